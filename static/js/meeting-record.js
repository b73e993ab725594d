/* The meeting record page, tolerant of a dropped connection.
 *
 * - Everything typed is kept in localStorage under the meeting id and the version the form was
 *   built from ("chibo:meeting:<id>:v<version>") until the server confirms the save.
 * - The submission key is made once per set of attempts and kept with the draft, so sending
 *   again after a lost connection (or a lost answer) is recognised by the server and saves once.
 * - The form is sent with fetch; if that fails, the page says so and keeps everything. A reload
 *   restores the draft. Without JavaScript the form is a plain POST and works the same.
 */
(function () {
  "use strict";

  var SKIP = { csrfmiddlewaretoken: 1, version: 1, submission_key: 1 };

  function store() {
    try {
      var s = window.localStorage;
      s.setItem("chibo:probe", "1");
      s.removeItem("chibo:probe");
      return s;
    } catch (e) {
      return null; // private mode, storage full or off: the page still works, without drafts
    }
  }

  function load(s, key) {
    if (!s) return null;
    try {
      return JSON.parse(s.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function save(s, key, value) {
    if (!s) return;
    try {
      s.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* full: keep going */
    }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 0x100).toString(16).slice(1);
    }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function fields(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "submit") return;
      if (el.type === "radio" || el.type === "checkbox") {
        out.push([el.name, el.value, el.checked]);
      } else {
        out.push([el.name, el.value, null]);
      }
    });
    return out;
  }

  function restore(form, saved) {
    saved.forEach(function (f) {
      var els = form.querySelectorAll('[name="' + f[0].replace(/"/g, "") + '"]');
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.value === f[1]) el.checked = !!f[2];
        } else {
          el.value = f[1];
        }
      });
    });
  }

  function init(answered) {
    // answered: the page is the server's answer to a send (errors or a conflict); its fields
    // already hold what was sent, so the draft is kept but not poured back over them.
    var form = document.getElementById("record-form");
    if (!form) return;
    var s = store();
    var key = form.dataset.draftKey;
    var prefix = form.dataset.draftPrefix;
    var status = document.getElementById("record-status");
    var button = document.getElementById("save");
    var keyInput = form.querySelector('input[name="submission_key"]');

    function say(text, offline) {
      status.textContent = text || "";
      status.classList.toggle("offline", !!offline);
    }

    var draft = load(s, key);
    if (!answered && draft && draft.fields && draft.fields.length) {
      restore(form, draft.fields);
      say(form.dataset.msgRestored);
    }
    if (draft && draft.key) {
      keyInput.value = draft.key;
    } else {
      keyInput.value = newKey();
      draft = { key: keyInput.value, fields: null };
      save(s, key, draft);
    }

    function keep() {
      draft.fields = fields(form);
      draft.at = Date.now();
      save(s, key, draft);
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);

    // A draft of an older version (the record was saved by someone else meanwhile): offer it.
    var older = null;
    if (s) {
      for (var i = 0; i < s.length; i++) {
        var k = s.key(i);
        if (k && k.indexOf(prefix) === 0 && k !== key) {
          var d = load(s, k);
          if (d && d.fields && d.fields.length) older = k;
        }
      }
    }
    var box = document.getElementById("old-draft");
    if (older && box) {
      box.hidden = false;
      document.getElementById("restore-old").addEventListener("click", function () {
        restore(form, load(s, older).fields);
        s.removeItem(older);
        box.hidden = true;
        keep();
        live();
        say(form.dataset.msgRestored);
      });
    }

    function done() {
      if (!s) return;
      var gone = [];
      for (var i = 0; i < s.length; i++) {
        var k = s.key(i);
        if (k && k.indexOf(prefix) === 0) gone.push(k);
      }
      gone.forEach(function (k) {
        s.removeItem(k);
      });
    }

    function replaceMain(html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector("main");
      if (!fresh || !doc.getElementById("record-form")) return false;
      document.querySelector("main").replaceWith(fresh);
      window.scrollTo(0, 0);
      init(true);
      return true;
    }

    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return; // the plain POST
      event.preventDefault();
      keep();
      button.disabled = true;
      say(form.dataset.msgSaving);
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Chibo-Fetch": "1" },
      })
        .then(function (r) {
          var type = r.headers.get("Content-Type") || "";
          if (r.ok && type.indexOf("application/json") >= 0) {
            return r.json().then(function (answer) {
              done();
              window.location.assign(answer.redirect);
            });
          }
          if (r.redirected) {
            window.location.assign(r.url); // signed out: the login page comes back here
            return null;
          }
          return r.text().then(function (html) {
            // 400 (fix and send again) or 409 (someone saved first): the server's page.
            if (!replaceMain(html)) {
              button.disabled = false;
              say(form.dataset.msgServer + " (" + r.status + ")", true);
            }
          });
        })
        .catch(function () {
          button.disabled = false;
          say(form.dataset.msgOffline, true);
        });
    });

    window.addEventListener("online", function () {
      if (status.classList.contains("offline")) say(form.dataset.msgOnline);
    });

    // --- live hints: roll-call figures, duration, score total ---------------------------------
    function live() {
      var n = { s: 0, p: 0, e: 0, u: 0 };
      form.querySelectorAll(".rec-row[data-summoned]").forEach(function (row) {
        var checked = row.querySelector('input[type="radio"]:checked');
        var value = checked ? checked.value : "";
        var reason = row.querySelector(".rec-reason");
        if (reason) reason.hidden = value === "present" || value === "";
        if (row.dataset.summoned !== "1") return;
        n.s += 1;
        if (value === "present") n.p += 1;
        if (value === "excused") n.e += 1;
        if (value === "unexcused") n.u += 1;
      });
      var counts = document.getElementById("roll-counts");
      if (counts) {
        counts.textContent = counts.dataset.format
          .replace("%p", n.p)
          .replace("%s", n.s)
          .replace("%e", n.e)
          .replace("%u", n.u);
      }
      var d = document.getElementById("duration");
      var start = form.elements.start_time.value;
      var end = form.elements.end_time.value;
      if (d && start && end) {
        var a = start.split(":"), b = end.split(":");
        var minutes = b[0] * 60 + +b[1] - (a[0] * 60 + +a[1]);
        var thematic = form.elements.topic.value.trim() !== "";
        var need = +(thematic ? d.dataset.minThematic : d.dataset.min) || 0;
        var text = form.dataset.msgMinutes.replace("%s", minutes);
        if (need && minutes < need) text += " — " + form.dataset.msgShort.replace("%s", need);
        d.textContent = text;
      } else if (d) {
        d.textContent = "";
      }
      var total = document.getElementById("score-total");
      if (total) {
        var sum = 0, any = false;
        form.querySelectorAll('input[name^="score_"]').forEach(function (el) {
          if (el.value !== "") {
            any = true;
            sum += +el.value || 0;
          }
        });
        var labels = total.dataset.labels.split("|");
        var cls = sum >= +total.dataset.good ? labels[0] : sum >= +total.dataset.fair ? labels[1] : sum >= +total.dataset.average ? labels[2] : labels[3];
        total.textContent = any ? total.dataset.totalLabel + ": " + sum + "/100 · " + cls : "";
      }
    }
    form.addEventListener("input", live);
    form.addEventListener("change", live);
    live();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(false);
    });
  } else {
    init(false);
  }
})();
