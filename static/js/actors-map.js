/* Draws the published organisations on a django-leaflet map, clustered with Leaflet.markercluster.
 * The map element carries the GeoJSON URL in data-geojson; django-leaflet calls window.essActorsMap. */
(function () {
  "use strict";

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  window.essActorsMap = function (map) {
    var element = map.getContainer();
    var url = element.getAttribute("data-geojson");
    if (!url) { return; }
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
    map.addLayer(cluster);
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          onEachFeature: function (feature, marker) {
            var p = feature.properties || {};
            var html = '<a href="' + escapeHtml(p.url) + '">' + escapeHtml(p.name) + "</a>";
            if (p.commune) { html += "<br>" + escapeHtml(p.commune); }
            if (p.approximate) { html += "<br><em>" + escapeHtml(element.getAttribute("data-approximate-label") || "") + "</em>"; }
            marker.bindPopup(html);
          }
        });
        cluster.addLayer(layer);
        if (cluster.getLayers().length) { map.fitBounds(cluster.getBounds(), { maxZoom: 12 }); }
      });
  };
})();
