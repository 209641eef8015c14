/* Field-work maps: draw a walk route or a watch area, pick a point, show a walk's findings and
   the neighbourhood-watch layer. No inline scripts (CSP); data comes from json_script blocks. */
(function () {
  "use strict";

  var STATUS_COLOURS = { open: "#c0392b", in_progress: "#e08e0b", resolved: "#1e8449" };

  function loadAreas(map, el) {
    var url = el.getAttribute("data-fw-areas");
    if (!url) { return Promise.resolve(null); }
    return Trygg.fetchJSON(url).then(function (geo) {
      // outlines only: not interactive, so that clicks always reach the map (drawing, picking)
      var layer = L.geoJSON(geo, {
        interactive: false,
        style: function (f) {
          return { color: "#1d2733", weight: f.properties.level === "municipality" ? 2 : 1, fillOpacity: 0.04 };
        }
      }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
      return layer;
    });
  }

  function readGeometry(text) {
    if (!text || !text.trim()) { return []; }
    try {
      var g = JSON.parse(text);
      var coords = g.type === "Polygon" ? g.coordinates[0] : (g.coordinates || g);
      return coords.map(function (c) { return L.latLng(c[1], c[0]); });
    } catch (e) {
      return [];
    }
  }

  function round(v) { return Math.round(v * 1e6) / 1e6; }

  /** <div data-draw="line|polygon" data-target="textarea-id"> */
  function initDrawMap(el) {
    var kind = el.getAttribute("data-draw");
    var target = document.getElementById(el.getAttribute("data-target"));
    var map = Trygg.createMap(el);
    var points = readGeometry(target ? target.value : "");
    var shape = kind === "polygon" ? L.polygon([], { color: "#0b5394" }) : L.polyline([], { color: "#0b5394", weight: 4 });
    shape.addTo(map);
    var markers = L.layerGroup().addTo(map);

    function write() {
      shape.setLatLngs(points);
      markers.clearLayers();
      points.forEach(function (p) { L.circleMarker(p, { radius: 4, color: "#0b5394" }).addTo(markers); });
      if (!target) { return; }
      var coords = points.map(function (p) { return [round(p.lng), round(p.lat)]; });
      if (kind === "polygon") {
        target.value = coords.length >= 3 ? JSON.stringify({ type: "Polygon", coordinates: [coords.concat([coords[0]])] }) : "";
      } else {
        target.value = coords.length >= 2 ? JSON.stringify({ type: "LineString", coordinates: coords }) : "";
      }
    }

    map.on("click", function (e) { points.push(e.latlng); write(); });
    document.querySelectorAll("[data-draw-undo='" + el.id + "']").forEach(function (b) {
      b.addEventListener("click", function () { points.pop(); write(); });
    });
    document.querySelectorAll("[data-draw-clear='" + el.id + "']").forEach(function (b) {
      b.addEventListener("click", function () { points = []; write(); });
    });
    if (target) {
      target.addEventListener("change", function () { points = readGeometry(target.value); write(); });
    }
    loadAreas(map, el).then(function () { write(); if (points.length) { map.fitBounds(L.latLngBounds(points), { padding: [20, 20] }); } });
    el._fwMap = map;
  }

  /** <div data-pick="point" data-lon="lon-input-id" data-lat="lat-input-id"> */
  function initPickMap(el) {
    var map = Trygg.createMap(el);
    var lon = document.getElementById(el.getAttribute("data-lon"));
    var lat = document.getElementById(el.getAttribute("data-lat"));
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 7, color: "#0b5394" }).addTo(map); }
      lon.value = round(latlng.lng);
      lat.value = round(latlng.lat);
    }
    map.on("click", function (e) { place(e.latlng); });
    if (lon && lon.value && lat && lat.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lon.value))); }
    loadAreas(map, el);
    var pts = el.getAttribute("data-points") ? Trygg.readJSON(el.getAttribute("data-points")) : null;
    if (pts) { showPoints(map, pts); }
  }

  function showPoints(map, pts) {
    var group = L.featureGroup();
    pts.forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lon], { radius: 6, color: "#222", fillColor: "#8e44ad", fillOpacity: 0.9 });
      var html = "<strong>" + Trygg.escapeHtml(p.name) + "</strong>";
      if (p.url) { html += "<br><a href=\"" + p.url + "\">" + Trygg.escapeHtml(Trygg.t("Details")) + "</a>"; }
      m.bindPopup(html);
      group.addLayer(m);
    });
    group.addTo(map);
    if (pts.length) { map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 16 }); }
  }

  /** A map that only shows points: <div data-fw-points="json-id"> */
  function initPointsMap(el) {
    var map = Trygg.createMap(el);
    loadAreas(map, el).then(function () { showPoints(map, Trygg.readJSON(el.getAttribute("data-fw-points")) || []); });
  }

  /** The walk page's map: district outline, route and findings coloured by status. */
  function initWalkMap(el) {
    var data = Trygg.readJSON("walk-data");
    if (!data) { return; }
    var map = Trygg.createMap(el);
    var group = L.featureGroup().addTo(map);
    if (data.area) { L.geoJSON(data.area, { style: { color: "#1d2733", weight: 1.5, fillOpacity: 0.05 } }).addTo(group); }
    if (data.route) { L.geoJSON(data.route, { style: { color: "#0b5394", weight: 4 } }).addTo(group); }
    data.observations.forEach(function (o, i) {
      var m = L.circleMarker([o.lat, o.lon], { radius: 7, weight: 1, color: "#222", fillColor: STATUS_COLOURS[o.status] || "#888", fillOpacity: 0.95 });
      m.bindPopup("<strong>" + (i + 1) + ". " + Trygg.escapeHtml(o.item_label) + "</strong><br>" + Trygg.escapeHtml(o.note) +
        "<br>" + Trygg.escapeHtml(o.status_label) + (o.routed_to ? " · " + Trygg.escapeHtml(o.routed_to) : ""));
      group.addLayer(m);
    });
    var b = group.getBounds();
    if (b.isValid()) { map.fitBounds(b, { padding: [25, 25], maxZoom: 17 }); }
  }

  /** The neighbourhood-watch layer: <div data-watch-layer="/api/v1/watch-areas.geojson"> */
  function initWatchLayer(el) {
    var map = el._fwMap || Trygg.createMap(el);
    Trygg.fetchJSON(el.getAttribute("data-watch-layer")).then(function (fc) {
      var layer = L.geoJSON(fc, {
        style: function (f) { return { color: f.properties.status === "active" ? "#1e8449" : "#7f8c8d", weight: 2, fillOpacity: 0.25 }; },
        onEachFeature: function (f, lyr) {
          lyr.bindPopup("<strong>" + Trygg.escapeHtml(f.properties.name) + "</strong><br>" +
            Trygg.escapeHtml(String(f.properties.households)) + " " + Trygg.escapeHtml(Trygg.t("households")));
        }
      }).addTo(map);
      if (!el._fwMap && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [20, 20] }); }
    }).catch(function (err) {
      el.insertAdjacentHTML("beforeend", "<p class=\"map-error\" role=\"alert\">" + Trygg.escapeHtml(err.message) + "</p>");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-draw]").forEach(initDrawMap);
    document.querySelectorAll("[data-pick='point']").forEach(initPickMap);
    document.querySelectorAll("[data-fw-points]").forEach(initPointsMap);
    document.querySelectorAll("[data-watch-layer]").forEach(initWatchLayer);
    var walkMap = document.getElementById("walk-map");
    if (walkMap) { initWalkMap(walkMap); }
  });
})();
