/* Public maps of the portal, drawn with django-leaflet and Leaflet.markercluster.
 *
 * Every element with the class "js-map" becomes a map. It carries, in data-* attributes (no inline
 * script, so a strict Content-Security-Policy can forbid them):
 *   data-djoptions      django-leaflet's map options (tiles, centre, zooms) computed from LEAFLET_CONFIG;
 *   data-geojson        URL of the organisations, asked again for the visible area and zoom on every
 *                       move: clusters counted by the server, and points with a popup linking to their
 *                       page (see actors/map_clusters.py);
 *   data-poles-geojson  URL of the poles' territory outlines (a layer that can be switched off);
 *   data-point          "latitude,longitude" of a single organisation, labelled by data-point-label;
 *   data-embed          links open in a new tab (the map is inside an iframe on another site);
 *   data-fit-outlines   frame the outlines as well as the markers (a pole's page);
 *   data-label-*        the translated texts the map needs.
 */
(function () {
  "use strict";

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function link(url, text, embed) {
    var target = embed ? ' target="_blank" rel="noopener"' : "";
    return '<a href="' + escapeHtml(url) + '"' + target + ">" + escapeHtml(text) + "</a>";
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
  }

  function showError(element) {
    var message = document.createElement("p");
    message.className = "map-error";
    message.setAttribute("role", "alert");
    message.textContent = element.getAttribute("data-label-error") || "";
    element.parentNode.insertBefore(message, element.nextSibling);
  }

  function polesLayer(element, data, embed) {
    var members = element.getAttribute("data-label-members") || "";
    return L.geoJSON(data, {
      filter: function (feature) { return feature.geometry !== null; },
      style: function (feature) {
        var constituted = feature.properties.status === "constituted";
        return { color: constituted ? "#0b5d3b" : "#8a3b00", weight: 2, fillOpacity: 0.06, dashArray: constituted ? null : "6 4" };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindPopup(link(p.url, p.name, embed) + "<br>" + escapeHtml(p.territory) + "<br>" + escapeHtml(p.members + " " + members));
      }
    });
  }

  function pointMarker(feature, latlng, element, embed) {
    var p = feature.properties;
    var approximate = element.getAttribute("data-label-approximate") || "";
    var html = "";
    if (p.logo) {
      var img = document.createElement("img");
      img.className = "popup-logo";
      img.src = p.logo;
      img.alt = p.logo_alt || p.name;
      img.width = 48;
      img.height = 48;
      html += img.outerHTML + "<br>";
    }
    html += "<strong>" + link(p.url, p.name, embed) + "</strong>";
    if (p.commune) { html += "<br>" + escapeHtml(p.commune); }
    if (p.pole) { html += "<br>" + escapeHtml(p.pole); }
    if (p.approximate) { html += "<br><em>" + escapeHtml(approximate) + "</em>"; }
    return L.marker(latlng, { alt: p.name, title: p.name }).bindPopup(html);
  }

  // A cluster counted by the server: its number as text, a button for the keyboard (Enter zooms in).
  function clusterMarker(feature, latlng, element, map) {
    var count = feature.properties.count;
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var label = (element.getAttribute("data-label-cluster") || "{count}").replace("{count}", count.toLocaleString());
    var marker = L.marker(latlng, {
      icon: L.divIcon({
        html: "<div><span>" + escapeHtml(count.toLocaleString()) + "</span></div>",
        className: "marker-cluster marker-cluster-" + size + " server-cluster",
        iconSize: L.point(40, 40)
      }),
      title: label,
      keyboard: true
    });
    function zoomIn() {
      var b = feature.properties.bbox;
      var bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
      if (map.getBoundsZoom(bounds) <= map.getZoom()) { map.setView(latlng, map.getZoom() + 2); }
      else { map.fitBounds(bounds, { padding: [24, 24] }); }
    }
    marker.on("click", zoomIn);
    marker.on("add", function () {
      var icon = marker.getElement();
      if (!icon) { return; }
      icon.setAttribute("role", "button");
      icon.setAttribute("aria-label", label);
      icon.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); zoomIn(); }
      });
    });
    return marker;
  }

  // The box asked of the server: the visible area widened to whole tiles at this zoom, so that nearby
  // views share the server's cache and the grid's cells (64 px, as actors/map_clusters.py) are whole.
  var LATITUDE_RATIO = Math.cos(48 * Math.PI / 180);
  function snappedBox(bounds, zoom) {
    var width = 360 / Math.pow(2, zoom);
    var height = width * LATITUDE_RATIO;
    function clamp(value, limit) { return Math.max(-limit, Math.min(limit, value)); }
    var west = clamp(Math.floor(bounds.getWest() / width) * width, 180);
    var east = clamp(Math.ceil(bounds.getEast() / width) * width, 180);
    var south = clamp(Math.floor(bounds.getSouth() / height) * height, 90);
    var north = clamp(Math.ceil(bounds.getNorth() / height) * height, 90);
    return [west, south, east, north].map(function (v) { return +v.toFixed(5); }).join(",");
  }

  function withParams(url, params) {
    return url + (url.indexOf("?") === -1 ? "?" : "&") + params;
  }

  function dataBounds(data) {
    var bounds = L.latLngBounds([]);
    data.features.forEach(function (feature) {
      var b = feature.properties.bbox;
      if (b) { bounds.extend([[b[1], b[0]], [b[3], b[2]]]); }
      else if (feature.geometry) { bounds.extend([feature.geometry.coordinates[1], feature.geometry.coordinates[0]]); }
    });
    return bounds;
  }

  /* The organisations layer: on every move, what the server gives for the visible area at this zoom
   * (clusters it counted, and individual points, which markercluster still groups when they share a
   * place or overlap). The first request covers the whole world at the initial zoom, to frame the
   * matching organisations (``frame``); its answer is reused while the map stays at that zoom. */
  function actorsLayer(map, element, url, embed, frame) {
    var layer = L.layerGroup().addTo(map);
    var status = document.createElement("p");
    status.className = "map-status";
    status.setAttribute("aria-live", "polite");
    element.parentNode.insertBefore(status, element.nextSibling);
    var latest = 0;
    var controller = null;
    var world = null;  // the first answer: every cell of the world at world.zoom

    function settle() {
      element.setAttribute("data-loaded", "1");
      // For the benchmark (bench/map_browser.py): when the map first showed its final view.
      if (window.performance && performance.mark && !performance.getEntriesByName(element.id + "-drawn").length) {
        performance.mark(element.id + "-drawn");
      }
    }

    function draw(data) {
      layer.clearLayers();
      var points = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
      data.features.forEach(function (feature) {
        if (!feature.geometry) { return; }
        var c = feature.geometry.coordinates;
        var latlng = L.latLng(c[1], c[0]);
        if (feature.properties.cluster) { layer.addLayer(clusterMarker(feature, latlng, element, map)); }
        else { points.addLayer(pointMarker(feature, latlng, element, embed)); }
      });
      layer.addLayer(points);
      var shown = element.getAttribute(data.total < 2 ? "data-label-shown-one" : "data-label-shown") || "{count}";
      status.textContent = shown.replace("{count}", data.total.toLocaleString());
      element.setAttribute("data-total", data.total);
    }

    function load(bbox) {
      var request = ++latest;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      element.removeAttribute("data-loaded");
      return fetch(withParams(url, "zoom=" + map.getZoom() + "&bbox=" + bbox), {
        headers: { Accept: "application/geo+json" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) {
        return request === latest ? data : null;
      });
    }

    function failed(error) {
      if (!error || error.name !== "AbortError") { showError(element); }
    }

    function moved() {
      if (world && map.getZoom() === world.zoom) {
        ++latest;
        if (controller) { controller.abort(); }
        draw(world.data);
        settle();
        return;
      }
      load(snappedBox(map.getBounds(), map.getZoom())).then(function (data) {
        if (data) { draw(data); settle(); }
      }).catch(failed);
    }

    var zoom = map.getZoom();
    return load("-180,-90,180,90").then(function (data) {
      if (!data) { return null; }
      world = { zoom: zoom, data: data };
      draw(data);
      map.on("moveend", moved);
      return frame(dataBounds(data)).then(function (framed) { if (!framed) { settle(); } });
    }).catch(failed);
  }

  function setup(map, element) {
    var embed = element.hasAttribute("data-embed");
    var point = element.getAttribute("data-point");
    if (point) {
      var latlng = point.split(",").map(Number);
      L.marker(latlng, { alt: element.getAttribute("data-point-label") || "" })
        .bindPopup(escapeHtml(element.getAttribute("data-point-label")))
        .addTo(map);
      map.setView(latlng, 13);
      return;
    }
    var polesUrl = element.getAttribute("data-poles-geojson");
    var actorsUrl = element.getAttribute("data-geojson");
    // The outlines and the organisations are asked for at once; the map is framed when both are in.
    var outlines = (polesUrl ? getJSON(polesUrl) : Promise.resolve(null)).then(function (poles) {
      if (!poles) { return L.latLngBounds([]); }
      var layer = polesLayer(element, poles, embed).addTo(map);
      var overlays = {};
      overlays[element.getAttribute("data-label-poles") || "Poles"] = layer;
      L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      return layer.getLayers().length ? layer.getBounds() : L.latLngBounds([]);
    });
    outlines.catch(function () { showError(element); });
    // Resolves with whether the map moved (its moveend then draws the final view).
    function frame(bounds) {
      return outlines.then(function (outlinesBounds) {
        if (!bounds.isValid() || (element.hasAttribute("data-fit-outlines") && outlinesBounds.isValid())) {
          bounds = outlinesBounds.isValid() ? L.latLngBounds(outlinesBounds).extend(bounds.isValid() ? bounds : outlinesBounds) : bounds;
        }
        if (!bounds.isValid()) { return false; }
        map.fitBounds(bounds, { maxZoom: 13, padding: [16, 16] });
        return true;
      });
    }
    if (actorsUrl) {
      actorsLayer(map, element, actorsUrl, embed, frame);
    } else {
      frame(L.latLngBounds([])).then(function () { element.setAttribute("data-loaded", "1"); });
    }
  }

  function init(element) {
    var options = JSON.parse(element.getAttribute("data-djoptions"));
    L.Map.djangoMap(element.id, {
      djoptions: options,
      globals: false,
      callback: function (map) { setup(map, element); }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".js-map"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
