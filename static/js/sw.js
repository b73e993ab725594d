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
 * (static/js/meeting-record.js) and sent by it when the signal is back.
 */
"use strict";

var CONFIG = self.CHIBO || { offline: "/offline/", static: "/static/", version: "0" };
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
