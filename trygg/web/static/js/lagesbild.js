/* The lägesbild dashboard: redraws map layers and charts when a filter changes, and creates the PDF
   with a progress bar. Without this script the page still works (form submit, tables, PDF link). */
(function () {
  "use strict";

  var BLUE = "#0b5394", GREY = "#8994a0", LIGHT = "#c9d3dd", RED = "#b00020", COLD = "#2166ac";
  var DENSITY = { 1: "#fee8c8", 2: "#fdbb84", 3: "#fc8d59", 4: "#e34a33", 5: "#b30000" };
  var state = { map: null, layers: {}, charts: {}, seq: 0 };

  function t(key) { return window.Trygg.t(key); }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || ""; }
    catch (e) { return ""; }
  }

  function formQuery(form) {
    var parts = [];
    var data = new FormData(form);
    data.forEach(function (value, key) {
      if (value !== "") { parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value)); }
    });
    return parts.join("&");
  }

  function setStatus(text) {
    var el = document.getElementById("lagesbild-status");
    if (el) { el.textContent = text; }
  }

  /* ------------------------------------------------------------------ map */

  function initMap(app) {
    var el = document.getElementById("lagesbild-map");
    if (!el || !window.L) { return; }
    var map = window.Trygg.createMap(el);
    if (map.options.maxZoom === undefined) { map.options.maxZoom = 18; }  // the cluster layer needs one
    state.map = map;
    state.layers.density = L.geoJSON(null, {
      style: function (f) {
        return { stroke: false, fillColor: DENSITY[f.properties.level] || "#fc8d59", fillOpacity: 0.45 };
      },
      interactive: false
    }).addTo(map);
    state.layers.hotspots = L.geoJSON(null, {
      style: function (f) {
        var c = f.properties["class"] === "hot" ? RED : COLD;
        return { color: c, weight: 1, fillColor: c, fillOpacity: f.properties["new"] ? 0.55 : 0.35 };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        var html = "<strong>" + window.Trygg.escapeHtml(p["class"] === "hot" ? t("Hot spot") : t("Cold spot")) +
          "</strong><br>" + window.Trygg.escapeHtml(p.area || "") + "<br>" + t("Reports in the cell") + ": " + p.count +
          "<br>z = " + p.z + (p["new"] ? "<br>" + t("New hot spot") : "");
        layer.bindPopup(html);
      }
    }).addTo(map);
    state.layers.points = L.markerClusterGroup ?
      L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 40 }) : L.layerGroup();
    state.layers.points.addTo(map);
    var overlays = {};
    overlays[t("Report density")] = state.layers.density;
    overlays[t("Hot spot")] = state.layers.hotspots;
    overlays[t("Report points")] = state.layers.points;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    window.Trygg.fetchJSON(el.getAttribute("data-areas-url-lb")).then(function (areas) {
      window.Trygg.addAreas(map, areas);
      state.areasLoaded = true;
      state.layers.density.bringToFront();
      state.layers.hotspots.bringToFront();
      // addAreas zooms to the outlines (animated); zoom to the data once that has ended.
      window.setTimeout(fitToData, 400);
    }).catch(function (err) { setStatus(t("Could not load the data") + ": " + err.message); });
  }

  function setPoints(geojson) {
    var layer = state.layers.points;
    if (!layer) { return; }
    layer.clearLayers();
    L.geoJSON(geojson, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 5, weight: 1, color: "#222", fillColor: "#f1c232", fillOpacity: 0.9 });
      },
      onEachFeature: function (f, lyr) {
        var p = f.properties;
        var html = "<strong>" + window.Trygg.escapeHtml(p.category_name) + "</strong><br>" +
          window.Trygg.escapeHtml(p.occurred);
        if (p.url) { html += "<br><a href=\"" + window.Trygg.escapeHtml(p.url) + "\">" + window.Trygg.escapeHtml(window.Trygg.t("Details")) + "</a>"; }
        lyr.bindPopup(html);
      }
    }).eachLayer(function (l) { layer.addLayer(l); });
    var el = document.getElementById("lagesbild-map");
    if (el) { el.setAttribute("data-points", String(geojson.shown)); }
  }

  function setLayers(data) {
    if (!state.map) { return; }
    state.layers.density.clearLayers();
    state.layers.density.addData(data.layers.density);
    state.layers.hotspots.clearLayers();
    state.layers.hotspots.addData(data.layers.hotspots);
    var el = document.getElementById("lagesbild-map");
    el.setAttribute("data-hot-cells", String(data.layers.hotspots.features.length));
    fitToData();
  }

  /* Zoom to where the reports cluster (density, else hot spots), once the outlines are drawn. */
  function fitToData() {
    if (!state.map || !state.areasLoaded) { return; }
    var b = state.layers.density.getBounds();
    if (!b.isValid()) { b = state.layers.hotspots.getBounds(); }
    if (b.isValid()) { state.map.stop(); state.map.fitBounds(b, { padding: [20, 20], maxZoom: 15, animate: false }); }
  }

  /* The area page: the district's outline, its hot spots and density, and the weekly chart. */
  function initAreaPage() {
    var el = document.getElementById("area-map");
    var data = window.Trygg.readJSON("area-map-data");
    if (!el || !data || !window.L) { return; }
    var map = window.Trygg.createMap(el);
    L.geoJSON({ type: "FeatureCollection", features: data.density.map(function (d) {
      return { type: "Feature", geometry: d.geometry, properties: { level: d.level } };
    }) }, { style: function (f) {
      return { stroke: false, fillColor: DENSITY[f.properties.level] || "#fc8d59", fillOpacity: 0.45 };
    }, interactive: false }).addTo(map);
    data.hotspots.forEach(function (c) {
      var colour = c.cls === "hot" ? RED : COLD;
      L.polygon(c.ring.map(function (p) { return [p[1], p[0]]; }), { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.4 })
        .bindPopup((c.cls === "hot" ? t("Hot spot") : t("Cold spot")) + "<br>" + t("Reports in the cell") + ": " + c.count)
        .addTo(map);
    });
    window.Trygg.fetchJSON(el.getAttribute("data-areas-url-lb")).then(function (areas) {
      window.Trygg.addAreas(map, areas);
      var mine = areas.features.filter(function (f) { return f.id === data.area_id; });
      if (mine.length) { map.fitBounds(L.geoJSON(mine[0]).getBounds(), { padding: [10, 10] }); }
    }).catch(function (err) {
      el.insertAdjacentHTML("beforeend", "<p class=\"map-error\" role=\"alert\">" + window.Trygg.escapeHtml(err.message) + "</p>");
    });
    drawCharts({ weeks: data.labels.map(function (l, i) { return { start: l, count: data.weeks[i], alarms: data.alarms[i] }; }),
      categories: [], area_types: [] });
  }

  /* ------------------------------------------------------------------ charts */

  function chart(id, config) {
    if (state.charts[id]) { state.charts[id].destroy(); delete state.charts[id]; }
    var canvas = document.getElementById(id);
    if (!canvas || !window.Chart) { return; }
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
    state.charts[id] = new window.Chart(canvas, config);
  }

  function drawCharts(data) {
    var weeks = data.weeks;
    chart("chart-weekly", {
      type: "line",
      data: {
        labels: weeks.map(function (w) { return w.start; }),
        datasets: [
          { label: t("Reports per week"), data: weeks.map(function (w) { return w.count; }), borderColor: BLUE,
            backgroundColor: BLUE, pointRadius: 2, tension: 0.1 },
          { label: t("Week with trend alarm"), data: weeks.map(function (w) { return w.alarms ? w.count : null; }),
            showLine: false, pointStyle: "triangle", pointRadius: 7, borderColor: RED, backgroundColor: RED }
        ]
      },
      options: { scales: { y: { beginAtZero: true } } }
    });
    var cats = data.categories.slice(0, 10);
    chart("chart-categories", {
      type: "bar",
      data: {
        labels: cats.map(function (c) { return c.name; }),
        datasets: [
          { label: t("This period"), data: cats.map(function (c) { return c.current; }), backgroundColor: BLUE },
          { label: t("Previous period"), data: cats.map(function (c) { return c.previous; }), backgroundColor: GREY },
          { label: t("Same period last year"), data: cats.map(function (c) { return c.last_year; }), backgroundColor: LIGHT }
        ]
      },
      options: { indexAxis: "y" }
    });
    var groups = data.area_types;
    chart("chart-area-types", {
      type: "bar",
      data: {
        labels: groups.map(function (g) { return g.label; }),
        datasets: [
          { label: t("This period"), data: groups.map(function (g) { return g.rate_current; }), backgroundColor: BLUE },
          { label: t("Previous period"), data: groups.map(function (g) { return g.rate_previous; }), backgroundColor: GREY },
          { label: t("Same period last year"), data: groups.map(function (g) { return g.rate_last_year; }), backgroundColor: LIGHT }
        ]
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: t("Reports per 1,000 inhabitants") } } } }
    });
  }

  /* ------------------------------------------------------------------ loading */

  function load(app, qs) {
    var seq = ++state.seq;
    setStatus(t("Updating…"));
    var suffix = qs ? "?" + qs : "";
    return Promise.all([
      window.Trygg.fetchJSON(app.getAttribute("data-api") + suffix),
      window.Trygg.fetchJSON(app.getAttribute("data-points") + suffix)
    ]).then(function (res) {
      if (seq !== state.seq) { return; }
      drawCharts(res[0]);
      setLayers(res[0]);
      setPoints(res[1]);
      app.setAttribute("data-loaded-query", qs);
      app.setAttribute("data-total", String(res[0].totals.current));
      setStatus(t("Updated"));
    }).catch(function (err) { setStatus(t("Could not load the data") + ": " + err.message); });
  }

  function refresh(app, form) {
    var qs = formQuery(form);
    var target = document.getElementById("lagesbild-results");
    setStatus(t("Updating…"));
    return fetch(app.getAttribute("data-results") + (qs ? "?" + qs : ""), {
      credentials: "same-origin", headers: { Accept: "text/html" }
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    }).then(function (html) {
      Object.keys(state.charts).forEach(function (id) { state.charts[id].destroy(); });
      state.charts = {};
      target.innerHTML = html;
      window.history.replaceState(null, "", "/lagesbild" + (qs ? "?" + qs : ""));
      return load(app, qs);
    }).catch(function (err) { setStatus(t("Could not load the data") + ": " + err.message); });
  }

  /* ------------------------------------------------------------------ PDF */

  function startPdf(link) {
    var box = document.getElementById("pdf-progress");
    var bar = document.getElementById("pdf-progress-bar");
    var text = document.getElementById("pdf-progress-text");
    var old = document.getElementById("pdf-download");
    if (old) { old.parentNode.removeChild(old); }
    box.hidden = false;
    bar.value = 2;
    var body = "query=" + encodeURIComponent(link.getAttribute("data-query") || "") +
      "&lang=" + encodeURIComponent(document.body.getAttribute("data-lang") || "sv");
    fetch(link.getAttribute("data-job-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrfToken(), Accept: "application/json" },
      body: body
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (job) { poll(job.status_url, bar, text, box); })
      .catch(function (err) { text.textContent = t("Could not load the data") + ": " + err.message; });
  }

  function poll(url, bar, text, box) {
    window.Trygg.fetchJSON(url).then(function (st) {
      bar.value = Math.round(st.progress * 100);
      bar.textContent = bar.value + " %";
      text.textContent = st.message;
      if (st.state === "done") {
        var a = document.createElement("a");
        a.id = "pdf-download";
        a.className = "button-primary";
        a.href = st.download_url;
        a.setAttribute("download", st.filename);
        a.textContent = st.link_text;
        box.appendChild(a);
        a.focus();
      } else if (st.state === "failed") {
        text.textContent = st.message;
      } else {
        window.setTimeout(function () { poll(url, bar, text, box); }, 400);
      }
    }).catch(function (err) { text.textContent = err.message; });
  }

  /* ------------------------------------------------------------------ start */

  document.addEventListener("DOMContentLoaded", function () {
    initAreaPage();
    var app = document.getElementById("lagesbild-app");
    var form = document.getElementById("lagesbild-filters");
    if (!app || !form) { return; }
    initMap(app);
    form.addEventListener("change", function (ev) {
      var name = ev.target.name;
      if (name === "weeks" && ev.target.value) { form.elements.start.value = ""; form.elements.end.value = ""; }
      if ((name === "start" || name === "end") && ev.target.value) { form.elements.weeks.value = ""; }
      refresh(app, form);
    });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); refresh(app, form); });
    document.addEventListener("click", function (ev) {
      var link = ev.target.closest ? ev.target.closest("#pdf-link") : null;
      if (link) { ev.preventDefault(); startPdf(link); }
      var go = ev.target.closest ? ev.target.closest("[data-goto-lat]") : null;
      if (go && state.map) {  // a hot spot's "Show on the map": zoom to its cell
        var mapEl = document.getElementById("lagesbild-map");
        mapEl.scrollIntoView({ block: "center" });
        state.map.stop();
        state.map.setView([parseFloat(go.getAttribute("data-goto-lat")), parseFloat(go.getAttribute("data-goto-lon"))],
          16, { animate: false });
        mapEl.setAttribute("data-centred-on", go.getAttribute("data-goto-lat") + "," + go.getAttribute("data-goto-lon"));
        mapEl.focus({ preventScroll: true });
      }
    });
    load(app, formQuery(form));
  });

  window.TryggLagesbild = { state: state };
})();
