/* The report forms (EST /report and residents' /kontakt): place picker, time choice,
   personal-data warning and, on the resident form, open reports nearby. No inline scripts (CSP). */
(function () {
  "use strict";

  // The same checks as trygg/domain/personal_data.py, as a hint while typing (the server decides).
  var PNR = /(^|[^\d])((?:1[89]|20)?\d{6})[ \t]?[-+]?[ \t]?(\d{4})(?!\d)/g;
  var PHONE = /(^|[^\w+])(?:\+46|0046|0)[ \t\-/]?[1-9](?:[ \t\-/]?\d){5,9}(?!\d)/;
  var EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/;

  function luhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var n = parseInt(digits.charAt(i), 10) * (i % 2 === 0 ? 2 : 1);
      sum += n > 9 ? n - 9 : n;
    }
    return sum % 10 === 0;
  }

  function looksPersonal(text) {
    var m;
    PNR.lastIndex = 0;
    while ((m = PNR.exec(text)) !== null) {
      var ten = m[2].slice(-6) + m[3];
      var month = parseInt(ten.slice(2, 4), 10);
      if (month >= 1 && month <= 12 && luhn(ten)) { return true; }
    }
    return PHONE.test(text) || EMAIL.test(text);
  }

  function initPersonalDataHint(form) {
    var area = form.querySelector("[data-pd-check]");
    var live = form.querySelector("#pd-live");
    if (!area || !live) { return; }
    var hint = document.getElementById("pd-hint");
    area.addEventListener("input", function () {
      var bad = looksPersonal(area.value);
      live.hidden = !bad;
      live.textContent = bad ? (hint ? hint.textContent : "") : "";
    });
  }

  function initWhen(form) {
    function update() {
      var checked = form.querySelector("input[name=when]:checked");
      var mode = checked ? checked.value : "now";
      Array.prototype.forEach.call(form.querySelectorAll("[data-when]"), function (el) {
        el.hidden = el.getAttribute("data-when") !== mode;
      });
    }
    Array.prototype.forEach.call(form.querySelectorAll("input[name=when]"), function (el) {
      el.addEventListener("change", update);
    });
    update();
  }

  function initPlaces(form) {
    var input = form.querySelector("#place");
    var list = form.querySelector("#place-options");
    if (!input || !list) { return; }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { return; }
      timer = setTimeout(function () {
        Trygg.fetchJSON("/api/v1/places?q=" + encodeURIComponent(q)).then(function (data) {
          list.innerHTML = "";
          data.places.forEach(function (p) {
            var opt = document.createElement("option");
            opt.value = p.name;
            list.appendChild(opt);
          });
        }).catch(function () { /* the server validates the name anyway */ });
      }, 200);
    });
  }

  function initMap(form, onPoint) {
    var el = form.querySelector("#place-map");
    var lon = form.querySelector("#lon");
    var lat = form.querySelector("#lat");
    var status = form.querySelector("#picker-status");
    if (!el || !window.L) { return; }
    var dict = Trygg.readJSON("report-form-i18n") || {};
    var map = Trygg.createMap(el);
    var marker = null;
    function setPoint(latlng, text) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { keyboard: false }).addTo(map); }
      status.textContent = text;
      onPoint(latlng);
    }
    Trygg.fetchJSON(el.getAttribute("data-picker-areas")).then(function (areas) {
      map.invalidateSize();
      // Outlines only, not interactive: a tap anywhere marks the place (no popups in the way).
      var layer = L.geoJSON(areas, {
        interactive: false,
        style: function (f) {
          var muni = f.properties.level === "municipality";
          return { color: "#1d2733", weight: muni ? 2.5 : 1, fillOpacity: muni ? 0 : 0.08,
                   fillColor: Trygg.AREA_TYPE_COLOURS[f.properties.area_type] || "#dddddd" };
        }
      }).addTo(map);
      var bounds = null;
      layer.eachLayer(function (l) {
        if (l.feature && l.feature.properties.level !== "municipality") {
          bounds = bounds ? bounds.extend(l.getBounds()) : L.latLngBounds(l.getBounds().getSouthWest(), l.getBounds().getNorthEast());
        }
      });
      bounds = bounds || layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [4, 4] }); }
      if (lat.value && lon.value) {
        setPoint(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), status.textContent);
      }
    }).catch(function () { /* the area select still works */ });
    map.on("click", function (e) { setPoint(e.latlng, dict.marked || ""); });
    var use = form.querySelector("#use-position");
    if (use) {
      if (!navigator.geolocation) { use.hidden = true; }
      use.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(ll, 15);
          setPoint(ll, dict.marked || "");
          describePosition(ll);
        }, function () { status.textContent = dict.no_position || ""; }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
    // Say where the position is, so the user can confirm it without a basemap: the district (also
    // chosen in the area list) and the nearest known place.
    function describePosition(ll) {
      Trygg.fetchJSON("/api/v1/where?lon=" + ll.lng.toFixed(6) + "&lat=" + ll.lat.toFixed(6)).then(function (w) {
        var text;
        if (!w.area) {
          text = dict.outside || "";
        } else if (w.nearest_place) {
          text = (dict.in_area_near || "").replace("{area}", w.area.name).replace("{place}", w.nearest_place.name)
            .replace("{m}", String(w.nearest_place.distance_m));
        } else {
          text = (dict.in_area || "").replace("{area}", w.area.name);
        }
        status.textContent = text;
        status.setAttribute("data-area-id", w.area ? String(w.area.id) : "");
        var select = form.querySelector("#area");
        if (select && w.area && !select.value) { select.value = String(w.area.id); }
      }).catch(function () { /* the point is marked; the description is a help only */ });
    }
    var clear = form.querySelector("#clear-point");
    if (clear) {
      clear.addEventListener("click", function () {
        lat.value = ""; lon.value = "";
        if (marker) { map.removeLayer(marker); marker = null; }
        status.textContent = "";
      });
    }
  }

  function nearbyLoader(form) {
    var url = form.getAttribute("data-nearby-url");
    var box = document.getElementById("nearby");
    var list = document.getElementById("nearby-list");
    if (!url || !box || !list) { return function () {}; }
    var dict = Trygg.readJSON("report-form-i18n") || {};
    return function (latlng) {
      var cat = form.querySelector("#category");
      var q = "?lon=" + latlng.lng.toFixed(6) + "&lat=" + latlng.lat.toFixed(6) +
        (cat && cat.value ? "&category=" + encodeURIComponent(cat.value) : "");
      Trygg.fetchJSON(url + q).then(function (data) {
        list.innerHTML = "";
        data.reports.forEach(function (r) {
          var li = document.createElement("li");
          li.innerHTML = Trygg.escapeHtml(r.category) + " · " + Trygg.escapeHtml(r.created) +
            " · <a href=\"" + Trygg.escapeHtml(r.url) + "\">" + Trygg.escapeHtml(dict.show || "Show") + "</a>";
          list.appendChild(li);
        });
        box.hidden = data.reports.length === 0;
      }).catch(function () { box.hidden = true; });
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.report-form"), function (form) {
      initWhen(form);
      initPlaces(form);
      initPersonalDataHint(form);
      initMap(form, nearbyLoader(form));
    });
  });
})();
