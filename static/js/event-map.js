/* Shows an event's venue on a django-leaflet map. The map element carries the point in data-lat and
 * data-lng and the marker's text in data-label; django-leaflet calls window.essEventMap. */
(function () {
  "use strict";

  window.essEventMap = function (map) {
    var element = map.getContainer();
    var lat = parseFloat(element.getAttribute("data-lat"));
    var lng = parseFloat(element.getAttribute("data-lng"));
    if (isNaN(lat) || isNaN(lng)) { return; }
    var marker = L.marker([lat, lng], { title: element.getAttribute("data-label") || "" }).addTo(map);
    marker.bindPopup(document.createTextNode(element.getAttribute("data-label") || ""));
    map.setView([lat, lng], 14);
  };
})();
