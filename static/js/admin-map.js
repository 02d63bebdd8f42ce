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
        var textarea = document.getElementById(fieldId);

        function changed() {
          document.querySelectorAll('[data-clears-map="' + fieldId + '"]').forEach(function (box) {
            box.checked = false;
          });
          textarea.dispatchEvent(new Event("change", { bubbles: true }));
        }

        map.on("draw:created draw:edited", changed);
        if (geomType === "POINT") {
          enableDirectPlacement(map, field, changed);
        }
      }
    });
  }

  /* For a point, no tool is needed: a click on the map places the marker and the marker can be dragged.
   * Leaflet.draw's own tools keep working (the click is ignored while one of them is active). */
  function enableDirectPlacement(map, field, changed) {
    function save() {
      field.store.save(field.drawnItems);
      changed();
    }
    function draggable(layer) {
      if (layer.dragging) {
        layer.dragging.enable();
        layer.off("dragend", save).on("dragend", save);
      }
    }
    field.drawnItems.eachLayer(draggable);
    map.on("draw:created", function (e) { draggable(e.layer); });
    map.on("draw:editstop", function () { field.drawnItems.eachLayer(draggable); });
    map.on("click", function (e) {
      if (field._acceptDrawEvents) { return; }
      field.drawnItems.clearLayers();
      var marker = L.marker(e.latlng);
      field.drawnItems.addLayer(marker);
      draggable(marker);
      save();
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
