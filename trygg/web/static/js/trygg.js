/* Trygg's shared browser code: maps without a basemap, small helpers. No inline scripts (CSP). */
(function () {
  "use strict";

  var AREA_TYPE_COLOURS = { 1: "#b2182b", 2: "#ef8a62", 3: "#bababa", 4: "#67a9cf", 5: "#2166ac" };

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status + " for " + url); }
        return r.json();
      });
  }

  function t(key) {
    var dict = readJSON("trygg-i18n") || {};
    return dict[key] || key;
  }

  /** A Leaflet map that is readable with no basemap: outlines, labels, points, cells. */
  function createMap(el, options) {
    options = options || {};
    var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25, attributionControl: true, maxZoom: 19 });
    var tileUrl = document.body.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 19, attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map);
    } else {
      el.classList.add("no-basemap");
    }
    map.setView([58.283, 12.288], 11);
    return map;
  }

  function areaStyle(feature) {
    var type = feature.properties.area_type;
    return {
      color: "#1d2733", weight: feature.properties.level === "municipality" ? 2.5 : 1.2,
      fillColor: AREA_TYPE_COLOURS[type] || "#dddddd",
      fillOpacity: feature.properties.level === "municipality" ? 0 : 0.18
    };
  }

  function addAreas(map, geojson, opts) {
    opts = opts || {};
    var layer = L.geoJSON(geojson, {
      style: opts.style || areaStyle,
      onEachFeature: function (feature, lyr) {
        var p = feature.properties;
        if (p.level === "municipality") { return; }
        var html = "<strong>" + escapeHtml(p.name) + "</strong>";
        if (p.area_type) { html += "<br>" + t("Area type") + " " + p.area_type; }
        if (p.count !== undefined && p.count !== null) { html += "<br>" + t("Reports") + ": " + p.count; }
        if (p.url) { html += "<br><a href=\"" + p.url + "\">" + t("Open area page") + "</a>"; }
        lyr.bindPopup(html);
        if (opts.labels !== false) {
          lyr.bindTooltip(escapeHtml(shortName(p.name)), { permanent: true, direction: "center", className: "area-label" });
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    // No animation: a first click right after loading must hit the district drawn under it.
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10], animate: false }); }
    if (opts.labels !== false) { toggleLabelsByZoom(map, opts.labelMinZoom || 12); }
    return layer;
  }

  /** Area names overlap when zoomed out: show them from `minZoom` on. */
  function toggleLabelsByZoom(map, minZoom) {
    var container = map.getContainer();
    function update() { container.classList.toggle("labels-hidden", map.getZoom() < minZoom); }
    map.on("zoomend", update);
    update();
  }

  function shortName(name) {
    return name.length > 22 ? name.split("-")[0] + "…" : name;
  }

  function addPoints(map, geojson, opts) {
    opts = opts || {};
    var cluster = L.markerClusterGroup ? L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 40 }) : L.layerGroup();
    L.geoJSON(geojson, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 5, weight: 1, color: "#222", fillColor: "#f1c232", fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, lyr) {
        var p = feature.properties;
        var html = "<strong>" + escapeHtml(p.category_name || p.category || "") + "</strong>";
        if (p.occurred) { html += "<br>" + escapeHtml(p.occurred); }
        if (p.url) { html += "<br><a href=\"" + p.url + "\">" + t("Details") + "</a>"; }
        lyr.bindPopup(html);
      }
    }).eachLayer(function (l) { cluster.addLayer(l); });
    cluster.addTo(map);
    return cluster;
  }

  function escapeHtml(s) {
    return String(s === undefined || s === null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  /** Maps declared in HTML: <div class="trygg-map" data-areas-url=".." data-points-url=".."> */
  function initDeclaredMaps() {
    var els = document.querySelectorAll(".trygg-map[data-areas-url]");
    Array.prototype.forEach.call(els, function (el) {
      var map = createMap(el);
      el._tryggMap = map;
      fetchJSON(el.getAttribute("data-areas-url")).then(function (areas) {
        addAreas(map, areas);
        var pointsUrl = el.getAttribute("data-points-url");
        if (pointsUrl) {
          return fetchJSON(pointsUrl).then(function (pts) {
            var layer = addPoints(map, pts);
            var b = layer.getBounds && layer.getBounds();
            if (b && b.isValid()) { map.fitBounds(b, { padding: [20, 20], maxZoom: 14 }); }
          });
        }
      }).catch(function (err) {
        el.insertAdjacentHTML("beforeend", "<p class=\"map-error\" role=\"alert\">" + escapeHtml(err.message) + "</p>");
      });
    });
  }

  function initAutosubmit() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-autosubmit]"), function (el) {
      el.addEventListener("change", function () {
        if (el.name === "lang") { switchLanguage(el.value); } else { el.form.submit(); }
      });
    });
  }

  // ------------------------------------------------------------------ switching language keeps the page

  var DRAFT_KEY = "trygg-draft:" + location.pathname;

  function draftFields() {
    return Array.prototype.filter.call(document.querySelectorAll("main form [name]"), function (f) {
      return !/^(hidden|file|password|submit|button)$/.test(f.type || "") && f.name !== "csrf_token";
    });
  }

  // Keep the query (the page's filters) and what the user typed: a resident half-way through the
  // Kontaktcenter form does not lose the text by switching language.
  function switchLanguage(lang) {
    var draft = {};
    draftFields().forEach(function (f) {
      if (f.type === "checkbox" || f.type === "radio") {
        if (f.checked) { (draft[f.name] = draft[f.name] || []).push(f.value); }
      } else if (f.value) {
        draft[f.name] = f.value;
      }
    });
    try { sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft)); } catch (e) { /* private mode: nothing kept */ }
    var url = new URL(location.href);
    url.searchParams.set("lang", lang);
    location.href = url.toString();
  }

  function restoreDraft() {
    var raw = null;
    try { raw = sessionStorage.getItem(DRAFT_KEY); sessionStorage.removeItem(DRAFT_KEY); } catch (e) { return; }
    if (!raw) { return; }
    var draft = JSON.parse(raw);
    draftFields().forEach(function (f) {
      if (!(f.name in draft)) { return; }
      var v = draft[f.name];
      if (f.type === "checkbox" || f.type === "radio") {
        f.checked = Array.isArray(v) && v.indexOf(f.value) >= 0;
      } else if (!f.value || f.tagName === "SELECT") {
        f.value = v;
      }
    });
  }

  // ------------------------------------------------------------------ scrolling tables by keyboard

  // A table wider than its box scrolls inside .table-wrap; the box takes focus (arrow keys scroll it)
  // and is a named region, as WCAG 2.1.1 and axe's scrollable-region-focusable ask.
  function markScrollers(root) {
    // A table outside a scrolling box gets one, so a wide table never widens the page.
    Array.prototype.forEach.call((root || document).querySelectorAll("main table"), function (table) {
      if (table.closest(".table-wrap") || table.closest("[data-no-wrap]")) { return; }
      var box = document.createElement("div");
      box.className = "table-wrap";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    Array.prototype.forEach.call((root || document).querySelectorAll(".table-wrap"), function (box) {
      if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) { return; }
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        var caption = box.querySelector("caption");
        var section = box.closest("section, .panel, main");
        var heading = section ? section.querySelector("h1, h2, h3") : null;
        var label = (caption && caption.textContent.trim()) || (heading && heading.textContent.trim()) || document.title;
        box.setAttribute("aria-label", label);
      }
    });
  }

  window.Trygg = {
    readJSON: readJSON, fetchJSON: fetchJSON, createMap: createMap, addAreas: addAreas,
    addPoints: addPoints, escapeHtml: escapeHtml, t: t, AREA_TYPE_COLOURS: AREA_TYPE_COLOURS
  };

  document.addEventListener("DOMContentLoaded", function () {
    initAutosubmit();
    restoreDraft();
    initDeclaredMaps();
    markScrollers(document);
  });
  document.addEventListener("htmx:afterSettle", function (e) { markScrollers(e.target); });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { markScrollers(document); }, 150);
  });
  window.Trygg.markScrollers = markScrollers;
})();
