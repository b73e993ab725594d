/* chibo as an installed app on a phone with a signal that comes and goes (every signed-in page).
 *
 * - Registers the service worker (/sw.js), which shows kept pages with no signal.
 * - Keeps the pages the server lists for this user (/meetings/offline/pages.json: the current
 *   and next meetings, their record pages, the cell's members and open tasks) in the
 *   "chibo-pages" cache, refreshed at most every REFRESH ms and whenever the user changes: one
 *   tab at a time, and a page opened before the keeping ended goes on where it stopped.
 * - Sends the meeting records kept on the phone (localStorage "chibo:meeting:<id>:v<version>"
 *   with state "queued", written by meeting-record.js) when the signal is back, each with its
 *   submission key, so the server saves each once; the record page sends its own. A request
 *   with no answer in 30 s is given up and asked again at the next try.
 * - Where the browser has Background Sync, copies those records to IndexedDB ("chibo" database,
 *   "outbox" store) and asks for a sync ("chibo-records"): the service worker sends them when
 *   the signal returns, even with every chibo page closed. Its answers (confirmed, conflict,
 *   invalid) come back onto the drafts when a page opens. The `online` event stays the way
 *   where there is no Background Sync, and while a page is in front.
 * - Says on every page what is kept and what happened: no signal, saved on the phone, sent and
 *   confirmed, changed by someone else meanwhile, sign in again. Texts come from the template.
 * - Signing out empties the kept pages (not a record waiting to be sent).
 */
(function () {
  "use strict";

  var PAGES = "chibo-pages";
  var LIST = "chibo:offline";
  var KEPT = "chibo:kept";
  var PREFIX = "chibo:meeting:";
  var REFRESH = 15 * 60 * 1000;
  var RETRY = 30 * 1000;

  var me = document.currentScript;
  var conf = me ? me.dataset : {};
  var store = (function () {
    try {
      var s = window.localStorage;
      s.setItem("chibo:probe", "1");
      s.removeItem("chibo:probe");
      return s;
    } catch (e) {
      return null;
    }
  })();

  function load(key) {
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function save(key, value) {
    try {
      store.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* full: the page still works */
    }
  }

  function drafts() {
    var out = [];
    if (!store) return out;
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && k.indexOf(PREFIX) === 0) {
        var d = load(k);
        if (d) out.push({ key: k, draft: d });
      }
    }
    return out;
  }

  // --- the bar at the top of every page ---------------------------------------------------------
  var bar = null;
  var notes = {};

  function note(id, text, href, kind) {
    if (!bar) return;
    if (text) notes[id] = { text: text, href: href, kind: kind };
    else delete notes[id];
    bar.textContent = "";
    Object.keys(notes).forEach(function (k) {
      var n = notes[k];
      var p = document.createElement("p");
      p.className = "appbar-" + (n.kind || "info");
      p.dataset.note = k;
      if (n.href) {
        var a = document.createElement("a");
        a.href = n.href;
        a.textContent = n.text;
        p.appendChild(a);
      } else {
        p.textContent = n.text;
      }
      bar.appendChild(p);
    });
    bar.hidden = !bar.firstChild;
  }

  function fill(template, title) {
    return (template || "").replace("%s", title || "");
  }

  function showState() {
    if (!bar) return;
    note("offline", navigator.onLine ? "" : bar.dataset.msgOffline, null, "offline");
    var queued = 0;
    drafts().forEach(function (e) {
      var d = e.draft;
      if (d.state === "queued") queued += 1;
      if (d.state === "confirmed") {
        note("ok-" + e.key, fill(bar.dataset.msgConfirmed, d.title), null, "ok");
        store.removeItem(e.key); // said once
      }
      if (d.state === "conflict") note("c-" + e.key, fill(bar.dataset.msgConflict, d.title), d.url, "alert");
      if (d.state === "invalid") note("i-" + e.key, fill(bar.dataset.msgInvalid, d.title), d.url, "alert");
    });
    note("queued", queued ? fill(bar.dataset.msgQueued, String(queued)) : "", null, "queued");
  }

  // --- talking to the server ----------------------------------------------------------------------
  var LOGIN = "login";
  // A request with no answer in WAIT ms is given up: a signal that died mid-request held the
  // sync, and every record behind it, until the next page. The next try (the online event,
  // RETRY) asks again; a record goes under the same submission key, which the server saves once.
  // (Tests shorten it: window.chiboSyncWait, set before this runs.)
  var WAIT = window.chiboSyncWait || 30 * 1000;

  /* fetch(), aborted after WAIT ms with no answer, or when `options.signal` aborts. */
  function timed(url, options) {
    if (!window.AbortController) return fetch(url, options);
    var ctrl = new AbortController();
    var outer = options.signal;
    if (outer && outer.aborted) ctrl.abort();
    else if (outer) {
      outer.addEventListener("abort", function () {
        ctrl.abort();
      });
    }
    var timer = setTimeout(function () {
      ctrl.abort();
    }, WAIT);
    return fetch(url, Object.assign({}, options, { signal: ctrl.signal })).then(
      function (r) {
        clearTimeout(timer);
        return r;
      },
      function (e) {
        clearTimeout(timer);
        throw e;
      }
    );
  }

  /* The list of pages to keep and a fresh CSRF token; rejects with LOGIN when signed out, with an
   * error when there is no signal, no answer in WAIT ms or when `signal` (an AbortSignal,
   * optional) aborts it. */
  function fresh(signal) {
    return timed(conf.pages, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
      signal: signal,
    }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (r.redirected || !r.ok || type.indexOf("application/json") < 0) throw LOGIN;
      return r.json();
    });
  }

  function needLogin() {
    var here = window.location.pathname + window.location.search;
    note("login", bar && bar.dataset.msgLogin, conf.login + "?next=" + encodeURIComponent(here), "alert");
  }

  /* One keeping at a time across the user's tabs: another tab keeping, this one leaves it (its
   * next try finds the list fresh). A Web Lock goes with the page that holds it; a browser
   * without them keeps in each tab, the record of what was kept sparing most of the fetches. */
  function alone(work) {
    if (!navigator.locks) return work();
    return navigator.locks.request("chibo-keeping", { ifAvailable: true }, function (lock) {
      return lock ? work() : null;
    });
  }

  function keep(list) {
    // The user's pages, the offline page and the files they need; others are dropped. Each page
    // kept is written down (KEPT: when, for which user), so that a page opened before the end
    // goes on with the pages not kept in the last REFRESH ms instead of starting again.
    if (!window.caches) return Promise.resolve();
    var urls = [list.offline].concat(
      list.pages.map(function (p) {
        return p.url;
      }),
      list.assets
    );
    var wanted = {};
    urls.forEach(function (u) {
      wanted[new URL(u, window.location.href).href] = 1;
    });
    return alone(function () {
      return caches.open(PAGES).then(function (cache) {
        var done = load(KEPT);
        if (!done || done.user !== conf.user || !done.at) done = { user: conf.user, at: {} };
        var failed = {}; // what the signal did not bring this time
        // One page at a time: a weak signal serves one well rather than ten badly.
        var chain = Promise.resolve();
        urls.forEach(function (u) {
          chain = chain.then(function () {
            var recent = Date.now() - (done.at[u] || 0) < REFRESH;
            return (recent ? cache.match(u, { ignoreVary: true }) : Promise.resolve(null)).then(
              function (hit) {
                if (hit) return null;
                return timed(u, { credentials: "same-origin", cache: "no-store" })
                  .then(function (r) {
                    if (!r.ok || r.redirected) {
                      failed[u] = 1;
                      return null;
                    }
                    return cache.put(u, r).then(function () {
                      done.at[u] = Date.now();
                      save(KEPT, done);
                    });
                  })
                  .catch(function () {
                    failed[u] = 1;
                    return null;
                  });
              }
            );
          });
        });
        return chain
          .then(function () {
            return cache.keys();
          })
          .then(function (requests) {
            return Promise.all(
              requests
                .filter(function (q) {
                  return !wanted[q.url];
                })
                .map(function (q) {
                  return cache.delete(q);
                })
            );
          })
          .then(function () {
            Object.keys(done.at).forEach(function (u) {
              if (urls.indexOf(u) < 0) delete done.at[u];
            });
            save(KEPT, done);
            // The offline list names the pages kept; with one missing, the round counts as
            // stale, and the next sync (RETRY) asks again for those missing only.
            var kept = list.pages.filter(function (p) {
              return !failed[p.url];
            });
            var at = Object.keys(failed).length ? Date.now() - REFRESH - 1 : Date.now();
            save(LIST, { user: conf.user, at: at, pages: kept });
            document.documentElement.dataset.kept = String(kept.length);
          });
      });
    });
  }

  function body(draft, csrf) {
    var data = new FormData();
    (draft.fields || []).forEach(function (f) {
      if (f[2] === null || f[2] === undefined || f[2]) data.append(f[0], f[1]);
    });
    data.append("csrfmiddlewaretoken", csrf);
    data.append("version", draft.version);
    data.append("submission_key", draft.key);
    return data;
  }

  function send(entry, csrf) {
    var d = entry.draft;
    return timed(d.url, {
      method: "POST",
      body: body(d, csrf),
      credentials: "same-origin",
      headers: { "X-Chibo-Fetch": "1" },
    }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (r.ok && type.indexOf("application/json") >= 0) {
        d.state = "confirmed";
        d.fields = null; // names of people: not kept once the server has them
      } else if (r.status === 409) {
        d.state = "conflict";
      } else if (r.status === 400) {
        d.state = "invalid";
      } else {
        throw LOGIN; // signed out (redirected to the login page) or a refused token
      }
      save(entry.key, d);
    });
  }

  var busy = false;

  function sync(force) {
    if (busy || !conf.pages || !navigator.onLine) return;
    var form = document.getElementById("record-form");
    var mine = form ? form.dataset.draftPrefix : null; // the record page sends its own
    var waiting = drafts().filter(function (e) {
      return e.draft.state === "queued" && e.draft.url && !(mine && e.key.indexOf(mine) === 0);
    });
    var last = load(LIST);
    var stale = !last || last.user !== conf.user || Date.now() - last.at > REFRESH;
    if (!waiting.length && !stale && !force) return;
    busy = true;
    fresh()
      .then(function (list) {
        note("login", "");
        var chain = Promise.resolve();
        waiting.forEach(function (e) {
          chain = chain.then(function () {
            return send(e, list.csrf);
          });
        });
        return chain.then(function () {
          showState();
          if (waiting.length) outbox(); // those sent leave the worker's outbox
          return stale || force ? keep(list) : null;
        });
      })
      .catch(function (e) {
        if (e === LOGIN && waiting.length) needLogin();
      })
      .then(function () {
        busy = false;
      });
  }

  // --- Background Sync: the records waiting, where the service worker can reach them -------------
  var SYNC = "chibo-records";
  var OUTBOX = "outbox";

  function openOutbox() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("chibo", 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(OUTBOX, { keyPath: "id" });
      };
      req.onsuccess = function () {
        resolve(req.result);
      };
      req.onerror = function () {
        reject(req.error);
      };
    });
  }

  /* One transaction: the worker's answers onto the drafts, then the outbox made the drafts
   * waiting now (no more, no less). Resolves with how many wait. */
  function mirror(db) {
    return new Promise(function (resolve) {
      var tx = db.transaction(OUTBOX, "readwrite");
      var box = tx.objectStore(OUTBOX);
      var waiting = 0;
      var answered = false;
      box.getAll().onsuccess = function (event) {
        var rows = {};
        event.target.result.forEach(function (row) {
          rows[row.id] = row;
        });
        drafts().forEach(function (e) {
          var d = e.draft;
          var row = rows[e.key];
          if (row && row.key === d.key && row.state !== "queued" && d.state === "queued") {
            d.state = row.state;
            if (d.state === "confirmed") d.fields = null;
            save(e.key, d);
            answered = true;
          }
          if (d.state === "queued" && d.url) {
            box.put({
              id: e.key,
              url: d.url,
              fields: d.fields,
              version: d.version,
              key: d.key,
              title: d.title,
              state: "queued",
            });
            waiting += 1;
            delete rows[e.key];
          }
        });
        Object.keys(rows).forEach(function (id) {
          box.delete(id);
        });
      };
      tx.oncomplete = function () {
        db.close();
        if (answered) showState();
        resolve(waiting);
      };
      tx.onerror = tx.onabort = function () {
        db.close();
        resolve(0);
      };
    });
  }

  function outbox() {
    if (!store || !window.indexedDB || !("serviceWorker" in navigator)) return Promise.resolve();
    return openOutbox()
      .then(mirror)
      .then(function (waiting) {
        if (!waiting) return null;
        return navigator.serviceWorker.ready.then(function (reg) {
          return reg.sync ? reg.sync.register(SYNC) : null;
        });
      })
      .catch(function () {
        /* no IndexedDB (a private window) or no Background Sync: the online event sends them */
      });
  }

  // --- signing out, the offline page ---------------------------------------------------------------
  function forgetOnLogout() {
    var forms = document.querySelectorAll("form[data-logout]");
    Array.prototype.forEach.call(forms, function (f) {
      f.addEventListener("submit", function (event) {
        if (!window.caches || f.dataset.forgotten) return;
        event.preventDefault();
        if (store) {
          store.removeItem(LIST);
          store.removeItem(KEPT);
        }
        caches.delete(PAGES).then(
          function () {
            f.dataset.forgotten = "1";
            f.submit();
          },
          function () {
            f.submit();
          }
        );
      });
    });
  }

  function offlineList() {
    var list = document.getElementById("offline-list");
    if (!list) return;
    var kept = (store && load(LIST)) || { pages: [] };
    kept.pages.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.title;
      li.appendChild(a);
      list.appendChild(li);
    });
    if (!kept.pages.length) list.textContent = list.dataset.empty;
    var retry = document.getElementById("offline-retry");
    if (retry) {
      retry.addEventListener("click", function () {
        window.location.reload();
      });
    }
  }

  // The change log's folded entries print too: chibo.css opens them where ::details-content is
  // known (Chromium); elsewhere they are opened for the print and folded again after it.
  function printFolded() {
    if (window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) return;
    var opened = [];
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("#change-log details:not([open])").forEach(function (d) {
        d.open = true;
        opened.push(d);
      });
    });
    window.addEventListener("afterprint", function () {
      opened.splice(0).forEach(function (d) {
        d.open = false;
      });
    });
  }

  function start() {
    bar = document.getElementById("appbar");
    printFolded();
    if (conf.sw && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(conf.sw, { scope: "/" }).catch(function () {
        /* no service worker (a private window, an old phone): pages need the network */
      });
    }
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
    forgetOnLogout();
    offlineList();
    if (store) {
      showState();
      // The worker's answers first: a record it sent while no page was open is not sent again.
      outbox().then(function () {
        sync(false);
      });
      window.addEventListener("online", function () {
        showState();
        sync(false);
      });
      window.addEventListener("offline", showState);
      window.addEventListener("chibo:drafts", function () {
        showState();
        outbox();
      });
      setInterval(function () {
        sync(false);
      }, RETRY);
    }
  }

  window.chiboApp = { fresh: fresh, LOGIN: LOGIN, needLogin: needLogin, showState: showState };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
