/* The meeting record page, for a phone with a signal that comes and goes.
 *
 * - Everything typed is kept in localStorage under the meeting id and the version the form was
 *   built from ("chibo:meeting:<id>:v<version>") until the server confirms the save; the record
 *   page itself may come from the phone's cache (static/js/sw.js) with no signal at all.
 * - "Lưu biên bản" marks the draft "queued" (saved on the phone) and sends it when it can: at
 *   once, when the signal comes back, again every RETRY ms while this page is open (a weak
 *   signal fails the first tries), or from any other chibo page (static/js/app.js). A send with
 *   no answer in TIMEOUT ms is given up and left to the next try. The submission key is made
 *   once per set of attempts and kept with the draft, so however often it is sent the server
 *   saves it once; an edit after a try makes a new one (the server may have the try). The
 *   states shown: saved on the phone, sending, sent and confirmed; a conflict (someone saved a
 *   newer version meanwhile) is shown with the newer record, and what was typed here is offered
 *   back, never poured over it unasked.
 * - On a phone the sections open one at a time, with a progress line; rows of guests, speakers
 *   and tasks appear as needed ("+ Thêm"), copied from the last one beyond the server's blanks.
 * - Without JavaScript the form is a plain POST with every section open and works the same.
 */
(function () {
  "use strict";

  var SKIP = { csrfmiddlewaretoken: 1, version: 1, submission_key: 1 };
  // A send with no answer after TIMEOUT ms is given up (the signal died mid-send): the record
  // waits on the phone and the button is usable again. While the page is open, a record waiting
  // is tried again every RETRY ms, the signal back or not (a weak one fails the first tries and
  // fires no second `online` event). A test shortens both: window.chiboRecordTimes, set before
  // this script runs.
  var TIMES = window.chiboRecordTimes || {};
  var TIMEOUT = TIMES.timeout || 25 * 1000;
  var RETRY = TIMES.retry || 20 * 1000;
  var ROW = /^(guest|speech|task)(\d{1,3})_/;

  function named(name) {
    // The selector of the form's fields called `name` (a name never holds a quote).
    return '[name="' + name.replace(/"/g, "") + '"]';
  }

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

  function save(s, key, value, leaving) {
    if (!s) return;
    try {
      s.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* full: keep going */
    }
    // The bar (app.js) says what changed; the next page says it when this one is left.
    if (!leaving) window.dispatchEvent(new Event("chibo:drafts"));
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

  // --- rows added as needed ---------------------------------------------------------------------
  function blank(row) {
    var empty = true;
    row.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") return;
      if (el.tagName === "SELECT") {
        if (el.selectedIndex > 0) empty = false;
      } else if (el.value !== "") {
        empty = false;
      }
    });
    return empty;
  }

  function renumber(row, n) {
    row.querySelectorAll("[name], [id], [for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, v.replace(/(guest|speech|task)\d{1,3}_/, "$1" + n + "_"));
      });
      if (el.name) {
        if (el.tagName === "SELECT") el.selectedIndex = 0;
        else if (el.type === "checkbox" || el.type === "radio") el.checked = false;
        else el.value = "";
      }
    });
  }

  function addRow(list) {
    var rows = list.querySelectorAll("[data-row]");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].hidden) {
        rows[i].hidden = false;
        return rows[i];
      }
    }
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var n = +last.querySelector("[name]").name.match(ROW)[2] + 1;
    renumber(copy, n);
    copy.hidden = false;
    last.after(copy);
    return copy;
  }

  function ensureRow(form, name) {
    // A saved field of a row added on this phone: add rows until it exists.
    var m = name.match(ROW);
    if (!m || form.elements[name]) return;
    var list = form.querySelector('[data-rows="' + m[1] + '"]');
    for (var guard = 0; list && !form.elements[name] && guard < 60; guard++) addRow(list);
  }

  function foldRows(form) {
    // Blank rows after the first are hidden until "+ Thêm" asks for one.
    form.querySelectorAll("[data-rows]").forEach(function (list) {
      var seen = false;
      list.querySelectorAll("[data-row]").forEach(function (row) {
        if (!blank(row)) {
          row.hidden = false;
          return;
        }
        row.hidden = seen;
        seen = true;
      });
    });
  }

  function restore(form, saved) {
    saved.forEach(function (f) {
      ensureRow(form, f[0]);
      var els = form.querySelectorAll(named(f[0]));
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.value === f[1]) el.checked = !!f[2];
        } else {
          el.value = f[1];
        }
      });
    });
    foldRows(form);
  }

  // --- a draft of an older version over the newest one ----------------------------------------
  function values(list) {
    // name -> value; a radio group or a set of checkboxes -> the values checked, "|"-joined.
    var out = {};
    (list || []).forEach(function (f) {
      if (f[2] === null || f[2] === undefined) out[f[0]] = f[1];
      else if (f[2]) out[f[0]] = out[f[0]] ? out[f[0]] + "|" + f[1] : f[1];
      else if (!(f[0] in out)) out[f[0]] = "";
    });
    return out;
  }

  function put(form, name, value) {
    ensureRow(form, name);
    var chosen = value.split("|");
    form.querySelectorAll(named(name)).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") el.checked = chosen.indexOf(el.value) >= 0;
      else el.value = value;
    });
  }

  function labelOf(form, el) {
    var row = el.closest(".rec-row, .rec-score");
    var name = row && row.querySelector(".rec-name");
    if ((el.type === "radio" || el.type === "checkbox") && name) return name.textContent.trim();
    var label = el.id && form.querySelector('label[for="' + el.id + '"]');
    var text = label ? label.textContent.trim().replace(/:$/, "") : el.name;
    var sec = el.closest("fieldset[id^=sec-]");
    var title = sec && sec.querySelector("legend").textContent.replace(/^\d+\.\s*/, "").trim();
    return title ? title + " · " + text : text;
  }

  function shown(form, name, value) {
    // What a value reads as on the page: a choice's label, not its code.
    if (value === "") return "—";
    var el = form.querySelector(named(name));
    if (el && el.tagName === "SELECT") {
      var o = Array.prototype.find.call(el.options, function (x) {
        return x.value === value;
      });
      return o ? o.textContent.trim() : value;
    }
    if (el && (el.type === "radio" || el.type === "checkbox")) {
      return value
        .split("|")
        .map(function (v) {
          var r = form.querySelector(named(name) + '[value="' + v.replace(/"/g, "") + '"]');
          var l = r && r.closest("label");
          return l ? l.textContent.trim() : v;
        })
        .join(", ");
    }
    return value;
  }

  /* Puts into the form (the newest version) the fields changed on this phone since `old.base`,
   * where the newest version left them as they were (or has the same); returns the fields both
   * changed differently, left as the newest version has them. */
  function merge(form, old) {
    var base = values(old.base);
    var mine = values(old.fields);
    var now = values(fields(form));
    var both = [];
    Object.keys(mine).forEach(function (name) {
      var was = base[name] || "";
      if (mine[name] === was) return; // not changed here: the newest version's stays
      var theirs = name in now ? now[name] : "";
      if (theirs === was || theirs === mine[name]) {
        put(form, name, mine[name]);
      } else {
        var el = form.querySelector(named(name));
        both.push({
          name: name,
          mine: mine[name],
          label: el ? labelOf(form, el) : name,
          shown: shown(form, name, mine[name]),
        });
      }
    });
    foldRows(form);
    return both;
  }

  // --- sections one at a time, with a progress line ----------------------------------------------
  function steps(form, draft, remember) {
    var secs = Array.prototype.slice.call(form.querySelectorAll("fieldset[id^=sec-]"));
    var line = document.getElementById("rec-progress");
    if (!secs.length || !line) return function () {};
    form.classList.add("rec-steps");
    line.hidden = false;
    var seen = {};
    var current = 0;

    function open(i, scroll) {
      current = i;
      seen[i] = true;
      secs.forEach(function (sec, j) {
        sec.classList.toggle("closed", j !== i);
        sec.classList.toggle("seen", !!seen[j] && j !== i);
        sec.querySelector(".rec-open").setAttribute("aria-expanded", j === i ? "true" : "false");
      });
      var label = secs[i].querySelector(".rec-open").textContent.replace(/^\d+\.\s*/, "");
      line.querySelector(".rec-progress-text").textContent = line.dataset.format
        .replace("%n", i + 1)
        .replace("%t", secs.length)
        .replace("%s", label);
      line.querySelector(".rec-progress-bar span").style.width = Math.round(((i + 1) * 100) / secs.length) + "%";
      if (draft) {
        draft.open = i;
        remember();
      }
      if (scroll) secs[i].scrollIntoView({ block: "start" });
    }

    secs.forEach(function (sec, i) {
      var legend = sec.querySelector("legend");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "rec-open";
      button.textContent = legend.textContent;
      button.setAttribute("aria-controls", sec.id);
      legend.textContent = "";
      legend.appendChild(button);
      button.addEventListener("click", function () {
        open(i, true);
      });
      if (i < secs.length - 1) {
        var next = document.createElement("button");
        next.type = "button";
        next.className = "secondary rec-next";
        next.textContent = line.dataset.next;
        next.addEventListener("click", function () {
          open(i + 1, true);
        });
        sec.appendChild(next);
      }
    });
    // Open where the problems are, else where the secretary was.
    var first = secs.findIndex(function (sec) {
      return sec.querySelector(".errorlist, .errorlist li");
    });
    open(first >= 0 ? first : draft && draft.open < secs.length ? draft.open || 0 : 0, false);
    return function openFor(el) {
      var sec = el.closest("fieldset[id^=sec-]");
      if (sec) open(secs.indexOf(sec), false);
    };
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
    var csrfInput = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var app = window.chiboApp;

    function say(text, kind) {
      status.textContent = text || "";
      status.dataset.state = kind || "";
      status.classList.toggle("offline", kind === "queued" || kind === "error");
    }

    var draft = load(s, key);
    if (draft && draft.state === "confirmed") draft = null;
    if (!answered && draft && draft.fields && draft.fields.length) {
      restore(form, draft.fields);
      say(form.dataset.msgRestored);
    } else {
      foldRows(form);
    }
    if (draft && draft.key) {
      keyInput.value = draft.key;
    } else {
      keyInput.value = newKey();
      // base: the version as the server gave it, before any typing here; after a conflict, what
      // was typed is compared with it to tell the fields changed on this phone from the others.
      draft = { key: keyInput.value, fields: null, base: fields(form) };
    }
    draft.url = form.action;
    draft.version = form.elements.version.value;
    draft.title = form.dataset.title;
    if (answered || draft.state === "invalid") draft.state = "editing";
    if (answered) draft.tried = false; // the server answered: it has what it said it has
    save(s, key, draft);

    function keep() {
      var now = fields(form);
      if (draft.tried && JSON.stringify(now) !== JSON.stringify(draft.fields)) {
        // Changed after a send that may have reached the server (no answer came): a new
        // submission, or the server would find that send's result under the old key and drop
        // these edits. The version still says which record they were typed on: if the first
        // send got through, the server answers a conflict and these edits are offered back.
        draft.key = keyInput.value = newKey();
        draft.tried = false;
      }
      draft.fields = now;
      draft.at = Date.now();
      save(s, key, draft);
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);

    form.querySelectorAll("[data-rows]").forEach(function (list) {
      var add = document.createElement("button");
      add.type = "button";
      add.className = "secondary rec-add";
      add.textContent = list.dataset.add;
      add.addEventListener("click", function () {
        var row = addRow(list);
        var first = row.querySelector("input:not([type=hidden]), textarea");
        if (first) first.focus();
      });
      list.after(add);
    });
    // The open section is remembered with the draft, not the fields: an untouched page leaves
    // nothing to offer back later.
    var openFor = steps(form, draft, function () {
      save(s, key, draft);
    });

    // A draft of an older version (the record was saved by someone else meanwhile): offer it.
    var older = null;
    var conflicted = false;
    if (s) {
      for (var i = 0; i < s.length; i++) {
        var k = s.key(i);
        if (k && k.indexOf(prefix) === 0 && k !== key) {
          var d = load(s, k);
          if (d && d.fields && d.fields.length) {
            if (answered && d.state === "queued") {
              d.state = "conflict"; // the server answered with a newer version: not to be sent
              save(s, k, d);
            }
            older = k;
            conflicted = conflicted || d.state === "conflict";
          }
        }
      }
    }
    var box = document.getElementById("old-draft");
    if (older && box) {
      box.hidden = false;
      if (conflicted && !document.getElementById("conflict")) say(form.dataset.msgConflict, "error");
      document.getElementById("restore-old").addEventListener("click", function () {
        var old = load(s, older);
        var both = old.base ? merge(form, old) : (restore(form, old.fields), []);
        s.removeItem(older);
        box.hidden = true;
        keep();
        live();
        say(form.dataset.msgRestored);
        offerBoth(both);
      });
    }

    function offerBoth(both) {
      // The fields both changed: the newest version stays, each with what was typed here and a
      // button to take it instead.
      var list = document.getElementById("both-changed");
      if (!list || !both.length) return;
      var ul = list.querySelector("ul");
      ul.textContent = "";
      both.forEach(function (c) {
        var li = document.createElement("li");
        var name = document.createElement("strong");
        name.textContent = c.label;
        var mine = document.createElement("span");
        mine.textContent = " — " + list.dataset.mine + ": «" + c.shown + "» ";
        var use = document.createElement("button");
        use.type = "button";
        use.className = "secondary";
        use.textContent = list.dataset.use;
        use.addEventListener("click", function () {
          put(form, c.name, c.mine);
          openFor(form.querySelector(named(c.name)));
          li.remove();
          list.hidden = !ul.firstChild;
          keep();
          live();
        });
        li.append(name, mine, use);
        ul.appendChild(li);
      });
      list.hidden = false;
    }

    function done(version) {
      // Confirmed: the other pages say so once (app.js); the names typed are not kept.
      if (!s) return;
      var gone = [];
      for (var i = 0; i < s.length; i++) {
        var k = s.key(i);
        if (k && k.indexOf(prefix) === 0 && k !== key) gone.push(k);
      }
      gone.forEach(function (k) {
        s.removeItem(k);
      });
      save(s, key, { key: draft.key, state: "confirmed", title: draft.title, version: version }, true);
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

    var sending = false;

    function queued() {
      sending = false;
      button.disabled = false;
      say(form.dataset.msgQueued, "queued");
    }

    function post(signal) {
      return fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Chibo-Fetch": "1" },
        signal: signal,
      }).then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (r.ok && type.indexOf("application/json") >= 0) {
          return r.json().then(function (answer) {
            done(answer.version);
            say(form.dataset.msgConfirmed, "confirmed");
            window.location.assign(answer.redirect);
          });
        }
        if (r.redirected) throw app ? app.LOGIN : "login";
        return r.text().then(function (html) {
          // 400 (fix and send again) or 409 (someone saved first): the server's page.
          if (!replaceMain(html)) {
            sending = false;
            button.disabled = false;
            say(form.dataset.msgServer + " (" + r.status + ")", "error");
          }
        });
      });
    }

    // A send with no answer (given up, or the connection failed): the server may have it under
    // this key; keep() makes a new key for an edit after it.
    function tried() {
      draft.tried = true;
      save(s, key, draft);
    }

    function send() {
      if (sending) return;
      sending = true;
      button.disabled = true;
      say(form.dataset.msgSaving, "sending");
      // No answer in TIMEOUT: the request is aborted and the record waits for the next try, with
      // the same submission key, so a send the server did get is not saved twice.
      var abort = window.AbortController ? new AbortController() : null;
      var signal = abort ? abort.signal : undefined;
      var late = false;
      var timer = setTimeout(function () {
        late = true;
        tried();
        if (abort) abort.abort();
        queued();
        say(form.dataset.msgTimeout, "queued");
      }, TIMEOUT);
      // A fresh token first: the page may be yesterday's copy from the phone's cache.
      var ready = app
        ? app.fresh(signal).then(function (list) {
            csrfInput.value = list.csrf;
          })
        : Promise.resolve();
      ready
        .then(function () {
          if (!late) return post(signal);
        })
        .then(
          function () {
            clearTimeout(timer);
          },
          function (e) {
            clearTimeout(timer);
            if (late) return; // said already, and a next try may be under way
            tried();
            queued();
            if (app && e === app.LOGIN) {
              say(form.dataset.msgLogin, "queued");
              app.needLogin();
            }
          }
        );
    }

    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return; // the plain POST
      event.preventDefault();
      keep();
      draft.state = "queued";
      save(s, key, draft);
      if (navigator.onLine) send();
      else queued();
    });
    form.addEventListener(
      "invalid",
      function (event) {
        openFor(event.target);
      },
      true
    );

    if (draft.state === "queued") {
      if (navigator.onLine) send();
      else queued();
    }
    window.addEventListener("online", function () {
      if (draft.state === "queued" && document.getElementById("record-form") === form) send();
    });
    var retry = setInterval(function () {
      if (document.getElementById("record-form") !== form) {
        clearInterval(retry); // the server's answer replaced this form; its own init tries
        return;
      }
      if (draft.state === "queued" && navigator.onLine) send();
    }, RETRY);

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
