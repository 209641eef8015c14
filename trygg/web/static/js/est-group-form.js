/* The EST group form: a small map of the districts that follows the checkbox list and toggles it on click.
   The list is the form; the map is a second way to choose (readable without a basemap). A ticked district of
   another group shows its move confirmation; the server refuses an unconfirmed move all the same. */
(function () {
  "use strict";

  var STYLES = {
    chosen: { color: "#073763", weight: 2, fillColor: "#0b5394", fillOpacity: 0.55 },
    other: { color: "#8a5a00", weight: 1.2, dashArray: "4 3", fillColor: "#bababa", fillOpacity: 0.35 },
    free: { color: "#1d2733", weight: 1, fillColor: "#ffffff", fillOpacity: 0.25 }
  };

  function box(id) { return document.getElementById("area-" + id); }

  /** Show the "move it here" confirmation of a district of another group while it is ticked. */
  function followMoves(fieldset) {
    fieldset.addEventListener("change", function (ev) {
      if (!ev.target || ev.target.name !== "areas") { return; }
      var move = document.getElementById("move-" + ev.target.value);
      if (!move) { return; }
      move.hidden = !ev.target.checked;
      if (!ev.target.checked) { move.querySelector("input").checked = false; }
    });
  }

  function initMap(el, data, fieldset) {
    var map = Trygg.createMap(el);

    function state(feature) {
      var cb = box(feature.id);
      if (cb && cb.checked) { return "chosen"; }
      var owner = feature.properties.group_id;
      return owner && owner !== data.group_id ? "other" : "free";
    }

    function label(feature) {
      var p = feature.properties;
      var text = Trygg.escapeHtml(p.name);
      if (p.group_id && p.group_id !== data.group_id) {
        text += "<br>" + Trygg.escapeHtml(Trygg.t("now in {group}").replace("{group}", p.group_name));
      }
      return text;
    }

    var layer = L.geoJSON(data, {
      style: function (feature) { return STYLES[state(feature)]; },
      onEachFeature: function (feature, lyr) {
        lyr.bindTooltip(label(feature), { sticky: true });
        lyr.on("click", function () {
          var cb = box(feature.id);
          if (!cb) { return; }
          cb.checked = !cb.checked;
          cb.dispatchEvent(new Event("change", { bubbles: true }));
        });
      }
    }).addTo(map);
    el._tryggMap = map;
    el._tryggLayer = layer;
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8], animate: false }); }
    fieldset.addEventListener("change", function (ev) {
      if (ev.target && ev.target.name === "areas") {
        layer.setStyle(function (feature) { return STYLES[state(feature)]; });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var fieldset = document.getElementById("field-areas");
    if (!fieldset) { return; }
    followMoves(fieldset);
    var el = document.getElementById("group-area-map");
    var data = window.Trygg && Trygg.readJSON("group-area-data");
    if (el && data && window.L) { initMap(el, data, fieldset); }
  });
})();
