/* The phone-sized safety-walk page: place an observation (GPS or a tap on the map), pick the
   checklist item, write a note, add a photo, save.

   Offline queue: every observation is first written to the device (IndexedDB; localStorage
   without photos when IndexedDB is missing) with an Idempotency-Key made here, then sent. If the
   connection is gone it waits and is sent when the browser comes back online. The server stores
   each key once, so a retry after a lost answer never makes a second observation, and nothing is
   removed from the device before the server has confirmed it. Problems are shown on the page,
   never written to the console. */
(function () {
  "use strict";

  var DB_NAME = "trygg-walk";
  var STORE = "queue";
  var RETRY_MS = 10000;

  var data = Trygg.readJSON("walk-data");
  var texts = Trygg.readJSON("walk-texts") || {};
  if (!data) { return; }

  function t(k) { return texts[k] || k; }

  // ------------------------------------------------------------------ storage on the device

  var idb = null;

  function openDb() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var req;
      try { req = window.indexedDB.open(DB_NAME, 1); } catch (e) { resolve(null); return; }
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { resolve(null); };
    });
  }

  function lsAll() {
    try { return JSON.parse(window.localStorage.getItem(DB_NAME) || "[]"); } catch (e) { return []; }
  }

  function lsSave(items) { window.localStorage.setItem(DB_NAME, JSON.stringify(items)); }

  function put(item) {
    if (!idb) {
      var items = lsAll().filter(function (i) { return i.key !== item.key; });
      var copy = Object.assign({}, item, { photo: null });
      items.push(copy);
      lsSave(items);
      return Promise.resolve();
    }
    return new Promise(function (resolve, reject) {
      var tx = idb.transaction(STORE, "readwrite");
      tx.objectStore(STORE).put(item);
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
    });
  }

  function remove(key) {
    if (!idb) { lsSave(lsAll().filter(function (i) { return i.key !== key; })); return Promise.resolve(); }
    return new Promise(function (resolve) {
      var tx = idb.transaction(STORE, "readwrite");
      tx.objectStore(STORE).delete(key);
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { resolve(); };
    });
  }

  function all() {
    var mine = function (items) {
      return items.filter(function (i) { return i.walkId === data.id; })
        .sort(function (a, b) { return a.createdAt < b.createdAt ? -1 : 1; });
    };
    if (!idb) { return Promise.resolve(mine(lsAll())); }
    return new Promise(function (resolve) {
      var req = idb.transaction(STORE, "readonly").objectStore(STORE).getAll();
      req.onsuccess = function () { resolve(mine(req.result || [])); };
      req.onerror = function () { resolve([]); };
    });
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  // ------------------------------------------------------------------ the map

  var mapEl = document.getElementById("phone-map");
  var map = Trygg.createMap(mapEl);
  var group = L.featureGroup().addTo(map);
  if (data.area) { L.geoJSON(data.area, { style: { color: "#1d2733", weight: 1.5, fillOpacity: 0.05 } }).addTo(group); }
  if (data.route) { L.geoJSON(data.route, { style: { color: "#0b5394", weight: 4 } }).addTo(group); }
  var sentLayer = L.layerGroup().addTo(map);
  var here = null;
  if (group.getBounds().isValid()) { map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 17 }); }

  var lonInput = document.getElementById("obs-lon");
  var latInput = document.getElementById("obs-lat");
  var placeState = document.getElementById("place-state");

  function place(lat, lon, label) {
    var ll = L.latLng(lat, lon);
    if (here) { here.setLatLng(ll); } else { here = L.circleMarker(ll, { radius: 9, color: "#0b5394", weight: 3, fillOpacity: 0.3 }).addTo(map); }
    if (lonInput) { lonInput.value = Math.round(lon * 1e6) / 1e6; latInput.value = Math.round(lat * 1e6) / 1e6; }
    if (placeState) { placeState.textContent = label; }
  }

  map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng, t("Tap the map where you are") + " ✓"); });

  var locate = document.getElementById("locate-btn");
  if (locate) {
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { placeState.textContent = t("Position not available"); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        place(pos.coords.latitude, pos.coords.longitude, t("Position found"));
        map.setView([pos.coords.latitude, pos.coords.longitude], Math.max(map.getZoom(), 16));
      }, function () {
        placeState.textContent = t("Position not available");
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 30000 });
    });
  }

  // ------------------------------------------------------------------ the list and the queue state

  var list = document.getElementById("obs-list");
  var counter = document.getElementById("queue-count");
  var conn = document.getElementById("conn-state");
  var sent = data.observations.slice();
  var lastProblem = "";

  function sentMarker(o) {
    L.circleMarker([o.lat, o.lon], { radius: 6, weight: 1, color: "#222", fillColor: "#1e8449", fillOpacity: 0.9 })
      .bindPopup(Trygg.escapeHtml(o.item_label)).addTo(sentLayer);
  }
  sent.forEach(sentMarker);

  function li(state, label, note, key) {
    var el = document.createElement("li");
    el.setAttribute("data-state", state);
    if (key) { el.setAttribute("data-key", key); }
    var badge = state === "sent" ? "badge-ok" : (state === "failed" ? "badge-bad" : "badge-warn");
    el.innerHTML = "<span class=\"badge " + badge + "\">" + Trygg.escapeHtml(t(state)) + "</span> <strong>" +
      Trygg.escapeHtml(label) + "</strong>" + (note ? "<br><span class=\"muted\">" + Trygg.escapeHtml(note) + "</span>" : "");
    return el;
  }

  function render() {
    return all().then(function (queued) {
      list.innerHTML = "";
      queued.forEach(function (q) {
        var el = li(q.state === "failed" ? "failed" : "waiting", q.itemLabel, q.error || q.note, q.key);
        if (q.state === "failed") {
          var btn = document.createElement("button");
          btn.type = "button";
          btn.className = "link-button";
          btn.textContent = t("Remove");
          btn.addEventListener("click", function () { remove(q.key).then(render); });
          el.appendChild(document.createTextNode(" "));
          el.appendChild(btn);
        }
        list.appendChild(el);
      });
      sent.slice().reverse().forEach(function (o) { list.appendChild(li("sent", o.item_label, o.note, o.key)); });
      var waiting = queued.filter(function (q) { return q.state !== "failed"; }).length;
      counter.textContent = String(queued.length + sent.length);  // the badge counts what the list shows
      counter.setAttribute("data-waiting", String(waiting));
      counter.setAttribute("data-sent", String(sent.length));
      var online = navigator.onLine;
      conn.setAttribute("data-online", online ? "1" : "0");
      conn.className = "fw-conn " + (online ? "fw-online" : "fw-offline");
      var msg = online ? t("Online") : t("Offline: observations are kept on this phone");
      if (waiting) { msg += " · " + waiting + " " + t("waiting"); }
      if (lastProblem) { msg += " · " + lastProblem; }
      conn.textContent = msg;
      return queued;
    });
  }

  // ------------------------------------------------------------------ sending

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || ""; } catch (e) { return ""; }
  }

  function send(item) {
    var fd = new FormData();
    fd.append("item", item.item);
    fd.append("lon", String(item.lon));
    fd.append("lat", String(item.lat));
    fd.append("note", item.note || "");
    fd.append("observed_at", item.observedAt);
    if (item.photo) { fd.append("photo", item.photo, item.photoName || "photo.jpg"); }
    return fetch(data.api, {
      method: "POST", credentials: "same-origin", body: fd,
      headers: { "Idempotency-Key": item.key, "X-CSRF-Token": csrfToken(), Accept: "application/json" }
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        return r.json().then(function (obs) {
          if (!sent.some(function (s) { return s.id === obs.id; })) { sent.push(obs); sentMarker(obs); }
          return remove(item.key).then(function () { return "sent"; });
        });
      }
      if (r.status === 401 || r.status === 403) { lastProblem = t("Sign in again to send the waiting observations"); return "stop"; }
      if (r.status >= 500 || r.status === 429 || r.status === 408) { return "stop"; }
      return r.json().catch(function () { return {}; }).then(function (body) {
        var err = (body && body.error) || {};
        var details = err.details ? Object.keys(err.details).map(function (k) { return err.details[k]; }).join(" ") : "";
        item.state = "failed";
        item.error = t("Could not be sent") + ": " + (details || err.message || r.status);
        return put(item).then(function () { return "failed"; });
      });
    }, function () {
      return "stop"; // no connection: keep it and try again later
    });
  }

  var flushing = false;

  function flush() {
    if (flushing) { return Promise.resolve(); }
    if (!navigator.onLine) { return render(); }
    flushing = true;
    return all().then(function (queued) {
      var todo = queued.filter(function (q) { return q.state !== "failed"; });
      if (todo.length) { lastProblem = ""; }
      var chain = Promise.resolve("sent");
      todo.forEach(function (item) {
        chain = chain.then(function (prev) {
          if (prev === "stop" || !navigator.onLine) { return "stop"; }
          return send(item);
        });
      });
      return chain;
    }).then(function () { flushing = false; return render(); }, function () { flushing = false; return render(); });
  }

  // ------------------------------------------------------------------ the form

  var form = document.getElementById("obs-form");
  if (form) {
    var errorEl = document.getElementById("obs-error");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      errorEl.textContent = "";
      if (!lonInput.value || !latInput.value) { errorEl.textContent = t("Place the observation on the map first"); return; }
      var select = document.getElementById("obs-item");
      var photoInput = document.getElementById("obs-photo");
      var file = photoInput && photoInput.files && photoInput.files[0];
      var item = {
        key: newKey(), walkId: data.id, item: select.value, itemLabel: select.options[select.selectedIndex].text,
        note: document.getElementById("obs-note").value, lon: parseFloat(lonInput.value), lat: parseFloat(latInput.value),
        observedAt: new Date().toISOString(), createdAt: Date.now(), state: "waiting",
        photo: file || null, photoName: file ? file.name : null
      };
      put(item).then(function () {
        document.getElementById("obs-note").value = "";
        if (photoInput) { photoInput.value = ""; }
        return render();
      }).then(flush);
    });
  }

  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { render(); });
  window.setInterval(function () { flush(); }, RETRY_MS);

  openDb().then(function (db) { idb = db; return flush(); });
})();
