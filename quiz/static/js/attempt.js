// Autosave and countdown for the attempt pages. Progressive enhancement: without this
// script the forms still post answers on navigation and the server enforces the time.
(function () {
  "use strict";

  // --- countdown ------------------------------------------------------------------
  var timer = document.querySelector(".timer");
  if (timer) {
    var valueEl = timer.querySelector(".timer-value");
    var announcer = document.getElementById("timer-announcer");
    var secondsLeft = parseInt(timer.getAttribute("data-seconds-left"), 10) || 0;
    // The server computed the seconds left when it rendered the page; count from the
    // moment the page arrived so the local clock's setting does not matter.
    var endsAt = performance.now() + secondsLeft * 1000;
    var announceAt = [1800, 900, 600, 300, 120, 60, 30, 10];
    var announced = {};
    var submitted = false;

    var format = function (s) {
      var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
      var mm = (h ? String(m).padStart(2, "0") : String(m));
      return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0");
    };
    var words = function (s) {
      if (s >= 60) { var m = Math.round(s / 60); return m + (m === 1 ? " minute" : " minutes"); }
      return s + " seconds";
    };
    var tick = function () {
      var left = Math.max(0, Math.ceil((endsAt - performance.now()) / 1000));
      valueEl.textContent = format(left);
      timer.classList.toggle("timer-low", left <= 60);
      announceAt.forEach(function (mark) {
        if (left <= mark && !announced[mark] && secondsLeft > mark) {
          announced[mark] = true;
          if (announcer) { announcer.textContent = words(mark) + " left."; }
        }
      });
      if (left === 0 && !submitted) {
        submitted = true;
        if (announcer) { announcer.textContent = "Time is up. Submitting your answers."; }
        flushThen(function () {
          var form = document.getElementById("timeout-finish");
          if (form) { form.submit(); }
        });
        return;
      }
      window.setTimeout(tick, 1000 - ((endsAt - performance.now()) % 1000 + 1000) % 1000 || 1000);
    };
    tick();
  }

  // --- autosave -------------------------------------------------------------------
  var form = document.getElementById("answer-form");
  var status = document.getElementById("save-status");
  var pending = null;      // the body waiting to be sent (the latest change wins)
  var inFlight = false;
  var retryDelay = 1000;
  var retryTimer = null;
  var debounceTimer = null;
  var afterFlush = [];

  function setStatus(text, state) {
    if (!status) { return; }
    status.textContent = text;
    status.setAttribute("data-state", state);
  }

  function csrfToken() {
    var field = form && form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function collect() {
    var values = [];
    form.querySelectorAll("[name=answer]").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      values.push(el.value);
    });
    var flag = form.querySelector("[name=flagged]");
    return { values: values, flagged: flag ? flag.checked : false };
  }

  function markNavigator(answered, flagged) {
    var position = form.getAttribute("data-position");
    var item = form.querySelector(".nav-item[data-position='" + position + "']");
    if (!item) { return; }
    item.classList.toggle("answered", answered);
    item.classList.toggle("flagged", flagged);
    item.setAttribute("aria-label", "Question " + position + ": " +
      (answered ? "answered" : "not answered") + (flagged ? ", flagged" : ""));
  }

  function send() {
    if (inFlight || pending === null) { return; }
    var body = pending;
    pending = null;
    inFlight = true;
    setStatus("Saving…", "saving");
    fetch(form.getAttribute("data-save-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    }).then(function (result) {
      inFlight = false;
      if (result.ok) {
        retryDelay = 1000;
        var at = new Date(result.data.saved_at);
        setStatus("Saved at " + at.toLocaleTimeString() + ".", "saved");
        markNavigator(result.data.answered, result.data.flagged);
        if (pending !== null) { send(); } else { runAfterFlush(); }
      } else if (result.status >= 500 || result.status === 429) {
        retryLater(body, result.status === 503
          ? "The server is briefly unavailable: your last change is not saved yet. Retrying…"
          : "Your last change is not saved yet. Retrying…");
      } else {
        // The server refused this answer (time up, not a number...): say why, do not retry.
        setStatus((result.data && result.data.error) || "This answer was not saved.", "refused");
        if (pending !== null) { send(); } else { runAfterFlush(); }
      }
    }).catch(function () {
      inFlight = false;
      retryLater(body);
    });
  }

  function retryLater(body, message) {
    if (pending === null) { pending = body; }  // a newer change replaces the failed one
    setStatus(message || "Connection lost: your last change is not saved yet. Retrying…", "offline");
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(send, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  }

  function runAfterFlush() {
    var callbacks = afterFlush;
    afterFlush = [];
    callbacks.forEach(function (fn) { fn(); });
  }

  function flushThen(fn) {
    if (!form || (pending === null && !inFlight)) { fn(); return; }
    afterFlush.push(fn);
    window.clearTimeout(debounceTimer);
    send();
    window.setTimeout(fn, 3000);  // never hold a timed-out submission for long
  }

  function queue(delay) {
    pending = collect();
    setStatus("Not saved yet…", "pending");
    window.clearTimeout(debounceTimer);
    debounceTimer = window.setTimeout(send, delay);
  }

  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "answer" || event.target.name === "flagged") { queue(0); }
    });
    form.addEventListener("input", function (event) {
      if (event.target.type === "text" || event.target.tagName === "TEXTAREA") { queue(700); }
    });
    form.addEventListener("keydown", function (event) {
      // Enter in a text answer saves and moves on, like the "next" button.
      if (event.key === "Enter" && event.target.type === "text") {
        event.preventDefault();
        var next = form.querySelector("button[value=next]") || form.querySelector("button[value=save]");
        if (next) { next.click(); }
      }
    });
    form.addEventListener("submit", function (event) {
      // Navigation posts the answer too; if the connection is down, keep the page
      // rather than lose the change to a failed navigation.
      var state = status && status.getAttribute("data-state");
      if (state === "offline" || !navigator.onLine) {
        event.preventDefault();
        setStatus("Connection lost: stay on this page until your answer is saved. Retrying…", "offline");
        send();
      }
    });
    window.addEventListener("online", function () { window.clearTimeout(retryTimer); send(); });
    window.addEventListener("beforeunload", function (event) {
      if (pending !== null || inFlight) { event.preventDefault(); event.returnValue = ""; }
    });
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.addEventListener("click", function () { pending = null; window.clearTimeout(debounceTimer); });
    });
  }

  // --- SQL answers: an editor where Tab indents, and a "run" button ---------------------------
  // Tab inserts four spaces; Escape, then Tab, leaves the editor (so the keyboard never gets stuck).
  document.querySelectorAll("textarea[data-tab-spaces]").forEach(function (area) {
    var escaped = false;
    area.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { escaped = true; return; }
      if (event.key === "Tab" && !event.shiftKey && !escaped && !event.ctrlKey && !event.altKey) {
        event.preventDefault();
        area.setRangeText("    ", area.selectionStart, area.selectionEnd, "end");
        area.dispatchEvent(new Event("input", { bubbles: true }));
        return;
      }
      escaped = false;
    });
  });

  document.querySelectorAll("button.run-sql").forEach(function (button) {
    var output = document.getElementById(button.getAttribute("aria-controls"));
    var area = document.getElementById("answer-input");
    var show = function (node) { output.textContent = ""; output.appendChild(node); };
    var message = function (text, error) {
      var p = document.createElement("p");
      p.textContent = text;
      if (error) { p.className = "sql-error"; }
      return p;
    };
    button.addEventListener("click", function () {
      show(message("Running…", false));
      fetch(button.getAttribute("data-run-url"), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ query: area.value })
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.status === 429) { show(message("Too many runs: wait a minute, then try again.", true)); return; }
          if (!response.ok || data.error) { show(message(data.error || "The query could not be run.", true)); return; }
          var table = document.createElement("table");
          var caption = document.createElement("caption");
          caption.textContent = data.rows.length === 0 ? "No rows." :
            (data.truncated ? "The first " + data.rows.length + " rows." : data.rows.length + (data.rows.length === 1 ? " row." : " rows."));
          table.appendChild(caption);
          var head = table.createTHead().insertRow();
          data.columns.forEach(function (name) {
            var th = document.createElement("th"); th.scope = "col"; th.textContent = name; head.appendChild(th);
          });
          var body = table.createTBody();
          data.rows.forEach(function (row) {
            var tr = body.insertRow();
            row.forEach(function (cell) { tr.insertCell().textContent = cell; });
          });
          show(table);
        });
      }).catch(function () { show(message("Connection lost: the query was not run.", true)); });
    });
  });

  // --- integrity signals: leaving the page, pasting --------------------------------------
  // Reported to the server as facts for the hiring manager; they never block the candidate.
  if (form && form.getAttribute("data-events-url")) {
    var eventsUrl = form.getAttribute("data-events-url");
    var awaySince = null;
    var report = function (body) {
      fetch(eventsUrl, {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body)
      }).catch(function () { /* a lost signal is not worth a retry loop */ });
    };
    var away = function () { if (awaySince === null) { awaySince = Date.now(); } };
    var back = function () {
      if (awaySince === null) { return; }
      var seconds = (Date.now() - awaySince) / 1000;
      awaySince = null;
      if (seconds >= 1) { report({ kind: "focus_lost", duration: Math.round(seconds) }); }
    };
    document.addEventListener("visibilitychange", function () { if (document.hidden) { away(); } else { back(); } });
    window.addEventListener("blur", away);
    window.addEventListener("focus", back);
    form.addEventListener("paste", function (event) {
      if (event.target && event.target.name === "answer") { report({ kind: "paste" }); }
    });
  }
})();
