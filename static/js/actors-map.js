/* Public maps of the portal, drawn with django-leaflet and Leaflet.markercluster.
 *
 * Every element with the class "js-map" becomes a map. It carries, in data-* attributes (no inline
 * script, so a strict Content-Security-Policy can forbid them):
 *   data-djoptions      django-leaflet's map options (tiles, centre, zooms) computed from LEAFLET_CONFIG;
 *   data-geojson        URL of the organisations (clustered markers with a popup linking to their page);
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

  function actorsLayer(element, data, embed) {
    var approximate = element.getAttribute("data-label-approximate") || "";
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    cluster.addLayer(L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.marker(latlng, { alt: feature.properties.name, title: feature.properties.name });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
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
        marker.bindPopup(html);
      }
    }));
    return cluster;
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
    var requests = [];
    var polesUrl = element.getAttribute("data-poles-geojson");
    var actorsUrl = element.getAttribute("data-geojson");
    requests.push(polesUrl ? getJSON(polesUrl) : Promise.resolve(null));
    requests.push(actorsUrl ? getJSON(actorsUrl) : Promise.resolve(null));
    Promise.all(requests).then(function (results) {
      var bounds = L.latLngBounds([]);
      if (results[0]) {
        var outlines = polesLayer(element, results[0], embed).addTo(map);
        var overlays = {};
        overlays[element.getAttribute("data-label-poles") || "Poles"] = outlines;
        L.control.layers(null, overlays, { collapsed: false }).addTo(map);
        if (outlines.getLayers().length) { bounds.extend(outlines.getBounds()); }
      }
      if (results[1]) {
        var cluster = actorsLayer(element, results[1], embed).addTo(map);
        if (cluster.getLayers().length) {
          bounds = element.hasAttribute("data-fit-outlines") && bounds.isValid()
            ? bounds.extend(cluster.getBounds()) : cluster.getBounds();
        }
      }
      if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 13, padding: [16, 16] }); }
      element.setAttribute("data-loaded", "1");
    }).catch(function () { showError(element); });
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
