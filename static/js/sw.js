/* chibo's service worker, served at /sw.js (chibo.core.webapp prepends self.CHIBO, the offline
 * page's address, the static prefix and this file's version).
 *
 * It only answers GET requests of this site, from two caches that the pages fill:
 * - "chibo-pages": the pages the server listed for the logged-in user (static/js/app.js keeps it
 *   in step with /meetings/offline/pages.json) and the offline page. A page is asked of the
 *   network first; with no answer (no signal, or none within WAIT ms on a weak one) the kept copy
 *   is shown, and a page kept nowhere gets the offline page, which says it needs a connection.
 * - "chibo-static-<version>": CSS, scripts and icons met on the way, answered from a cache first
 *   (app.js keeps those the kept pages need in "chibo-pages").
 * Writes (POST) never pass through here: a record made with no signal is kept by the page
 * (static/js/meeting-record.js) and sent by it when the signal is back. Where the browser has
 * Background Sync, the pages also copy the records waiting to IndexedDB ("chibo" database,
 * "outbox" store, static/js/app.js) and ask for the "chibo-records" sync: this worker sends them
 * when the signal returns, with every chibo page closed (a page in front sends its own), each
 * with its submission key, and writes the server's answer on its row for the next page to show.
 */
"use strict";

var CONFIG = self.CHIBO || {
  offline: "/offline/",
  pages: "/meetings/offline/pages.json",
  static: "/static/",
  version: "0",
};
var PAGES = "chibo-pages";
var STATIC = "chibo-static-" + CONFIG.version;
var WAIT = 6000;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (n) {
              return n.indexOf("chibo-static-") === 0 && n !== STATIC;
            })
            .map(function (n) {
              return caches.delete(n);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function kept(request) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(request, { ignoreVary: true });
  });
}

function offlinePage() {
  return kept(CONFIG.offline).then(function (r) {
    return (
      r ||
      new Response("<!doctype html><meta charset=utf-8><title>chibo</title><p>Cần kết nối mạng. / A connection is needed.", {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8" },
      })
    );
  });
}

function page(request) {
  return new Promise(function (resolve) {
    var done = false;
    function answer(response) {
      if (!done) {
        done = true;
        resolve(response);
      }
    }
    // A weak signal: after WAIT ms show the kept copy if there is one, else keep waiting.
    var timer = setTimeout(function () {
      kept(request).then(function (r) {
        if (r) answer(r);
      });
    }, WAIT);
    fetch(request)
      .then(function (response) {
        clearTimeout(timer);
        // A kept page answered afresh is kept afresh (not a redirect to the login page).
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          kept(request).then(function (old) {
            if (old) {
              caches.open(PAGES).then(function (cache) {
                cache.put(request, copy);
              });
            }
          });
        }
        answer(response);
      })
      .catch(function () {
        clearTimeout(timer);
        kept(request).then(function (r) {
          if (r) answer(r);
          else offlinePage().then(answer);
        });
      });
  });
}

function asset(request) {
  // From any of chibo's caches (app.js keeps those the kept pages need with them).
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    if (hit) return hit;
    return fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(STATIC).then(function (cache) {
          cache.put(request, copy);
        });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(CONFIG.static) === 0) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  }
  // Everything else (HTMX fragments, JSON, downloads) goes to the network as usual.
});

// --- Background Sync: the records kept on the phone, sent with no page open -----------------------
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

function outboxDo(mode, work) {
  return openOutbox().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(OUTBOX, mode);
      var out = work(tx.objectStore(OUTBOX));
      tx.oncomplete = function () {
        db.close();
        resolve(out.value);
      };
      tx.onerror = tx.onabort = function () {
        db.close();
        reject(tx.error);
      };
    });
  });
}

function waitingRows() {
  return outboxDo("readonly", function (box) {
    var out = { value: [] };
    box.getAll().onsuccess = function (event) {
      out.value = event.target.result.filter(function (row) {
        return row.state === "queued" && row.url;
      });
    };
    return out;
  });
}

function answered(row, state) {
  // Onto the row if it still holds that send (the page may have replaced it meanwhile).
  return outboxDo("readwrite", function (box) {
    box.get(row.id).onsuccess = function (event) {
      var now = event.target.result;
      if (now && now.key === row.key) {
        now.state = state;
        if (state === "confirmed") now.fields = null; // names of people: not kept once sent
        box.put(now);
      }
    };
    return { value: null };
  });
}

function sendRow(row, csrf) {
  var data = new FormData();
  (row.fields || []).forEach(function (f) {
    if (f[2] === null || f[2] === undefined || f[2]) data.append(f[0], f[1]);
  });
  data.append("csrfmiddlewaretoken", csrf);
  data.append("version", row.version);
  data.append("submission_key", row.key);
  return fetch(row.url, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { "X-Chibo-Fetch": "1" },
  }).then(function (r) {
    var type = r.headers.get("Content-Type") || "";
    if (r.ok && type.indexOf("application/json") >= 0) return answered(row, "confirmed");
    if (r.status === 409) return answered(row, "conflict");
    if (r.status === 400) return answered(row, "invalid");
    return null; // signed out: left waiting; the next page opened says to sign in again
  });
}

function sendWaiting() {
  return self.clients.matchAll({ type: "window" }).then(function (open) {
    // A chibo page in front sends the records itself (its online event): one sender at a time.
    var front = open.some(function (c) {
      return c.visibilityState === "visible";
    });
    if (front) return null;
    return waitingRows().then(function (rows) {
      if (!rows.length) return null;
      return fetch(CONFIG.pages, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then(function (r) {
          var type = r.headers.get("Content-Type") || "";
          if (r.redirected || !r.ok || type.indexOf("application/json") < 0) return null;
          return r.json();
        })
        .then(function (list) {
          if (!list) return null; // signed out: nothing to send with
          var chain = Promise.resolve();
          rows.forEach(function (row) {
            chain = chain.then(function () {
              return sendRow(row, list.csrf);
            });
          });
          return chain;
        });
    });
  });
  // A failed fetch (no signal yet) rejects: the browser tries the sync again later.
}

self.addEventListener("sync", function (event) {
  if (event.tag === SYNC) event.waitUntil(sendWaiting());
});
