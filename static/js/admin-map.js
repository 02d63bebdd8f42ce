/* Starts the admin's GDAL-free map widgets (ess_portal/widgets.py) with django-leaflet's own
 * L.Map.djangoMap and L.GeometryField (leaflet.forms.js). Each widget carries its settings in data-*
 * attributes and a json_script element, so no inline script is needed. */
(function () {
  "use strict";

  function start(container) {
    var fieldId = container.getAttribute("data-field-id");
    var mapId = container.getAttribute("data-map-id");
    var geomType = container.getAttribute("data-geom-type");
    var djoptions = JSON.parse(document.getElementById(container.getAttribute("data-options-id")).textContent);
    L.Map.djangoMap(mapId, {
      djoptions: djoptions,
      globals: false,
      callback: function (map) {
        var field = new L.GeometryField({
          fieldid: fieldId,
          modifiable: true,
          geom_type: geomType,
          srid: 4326,
          field_store_class: L.FieldStore,
          precision: djoptions.precision
        });
        field.addTo(map);
        map.on("draw:created draw:edited", function () {
          document.querySelectorAll('[data-clears-map="' + fieldId + '"]').forEach(function (box) {
            box.checked = false;
          });
          document.getElementById(fieldId).dispatchEvent(new Event("change", { bubbles: true }));
        });
      }
    });
  }

  function startAll() {
    document.querySelectorAll("[data-ess-map]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
