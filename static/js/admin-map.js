/* Starts the admin's GDAL-free map widgets (ess_portal/widgets.py) with django-leaflet's own
 * L.Map.djangoMap and L.GeometryField (leaflet.forms.js). Each widget carries its settings in data-*
 * attributes and a json_script element, so no inline script is needed.
 *
 * A point widget also has latitude and longitude inputs: typing valid coordinates moves the marker,
 * placing or dragging the marker fills them in, and both keep the (hidden) GeoJSON textarea up to date.
 * A read-only widget (data-readonly: a pole's outline, derived from its communes) only shows its geometry. */
(function () {
  "use strict";

  var DECIMALS = 6; /* about 10 cm: more would only be noise */

  function start(container) {
    var fieldId = container.getAttribute("data-field-id");
    var mapId = container.getAttribute("data-map-id");
    var geomType = container.getAttribute("data-geom-type");
    var readonly = container.hasAttribute("data-readonly");
    var djoptions = JSON.parse(document.getElementById(container.getAttribute("data-options-id")).textContent);
    L.Map.djangoMap(mapId, {
      djoptions: djoptions,
      globals: false,
      callback: function (map) {
        var field = new L.GeometryField({
          fieldid: fieldId,
          modifiable: !readonly,
          geom_type: geomType,
          srid: 4326,
          field_store_class: L.FieldStore,
          precision: djoptions.precision
        });
        field.addTo(map);
        if (readonly) { return; }
        var textarea = document.getElementById(fieldId);

        function untick() {
          document.querySelectorAll('[data-clears-map="' + fieldId + '"]').forEach(function (box) {
            box.checked = false;
          });
        }

        function changed() {
          untick();
          textarea.dispatchEvent(new Event("change", { bubbles: true }));
        }

        map.on("draw:created draw:edited", changed);
        if (geomType === "POINT") {
          var inputs = coordinateInputs(container);
          enableDirectPlacement(map, field, changed, inputs);
          if (inputs) {
            enableTypedCoordinates(map, field, changed, inputs, untick);
          }
        }
      }
    });
  }

  function coordinateInputs(container) {
    var latitude = container.querySelector('[data-coordinate="latitude"]');
    var longitude = container.querySelector('[data-coordinate="longitude"]');
    return latitude && longitude ? { latitude: latitude, longitude: longitude } : null;
  }

  function formatDegrees(value) {
    return String(Number(value.toFixed(DECIMALS)));
  }

  /* Writes the marker's position (or nothing) into the latitude and longitude inputs. */
  function showInInputs(field, inputs) {
    if (!inputs) { return; }
    var marker = null;
    field.drawnItems.eachLayer(function (layer) {
      if (!marker && layer.getLatLng) { marker = layer; }
    });
    var latlng = marker ? marker.getLatLng() : null;
    inputs.latitude.value = latlng ? formatDegrees(latlng.lat) : "";
    inputs.longitude.value = latlng ? formatDegrees(latlng.lng) : "";
  }

  /* For a point, no tool is needed: a click on the map places the marker and the marker can be dragged.
   * Leaflet.draw's own tools keep working (the click is ignored while one of them is active). */
  function enableDirectPlacement(map, field, changed, inputs) {
    function save() {
      field.store.save(field.drawnItems);
      showInInputs(field, inputs);
      changed();
    }
    function draggable(layer) {
      if (layer.dragging) {
        layer.dragging.enable();
        layer.off("dragend", save).on("dragend", save);
      }
    }
    field.drawnItems.eachLayer(draggable);
    map.on("draw:created", function (e) {
      draggable(e.layer);
      /* leaflet.forms.js stores the new layer after this handler: read it back once it has. */
      setTimeout(function () { showInInputs(field, inputs); }, 0);
    });
    map.on("draw:edited draw:deleted", function () {
      setTimeout(function () { showInInputs(field, inputs); }, 0);
    });
    map.on("draw:editstop", function () { field.drawnItems.eachLayer(draggable); });
    map.on("click", function (e) {
      if (field._acceptDrawEvents) { return; }
      field.drawnItems.clearLayers();
      var marker = L.marker(e.latlng);
      field.drawnItems.addLayer(marker);
      draggable(marker);
      save();
    });
    field.placeAt = function (latlng) {
      field.drawnItems.clearLayers();
      if (latlng) {
        var marker = L.marker(latlng);
        field.drawnItems.addLayer(marker);
        draggable(marker);
      }
      field.store.save(field.drawnItems);
      changed();
    };
  }

  function parseDegrees(input, low, high) {
    var text = input.value.trim().replace(",", ".").replace("\u2212", "-");
    if (text === "") { return ""; }
    var value = Number(text);
    return isFinite(value) && value >= low && value <= high ? value : null;
  }

  /* Typing in the inputs moves the marker once both hold a valid coordinate; emptying both removes it.
   * Anything else (one of the two, out of range) waits: the server explains what is wrong on save. */
  function enableTypedCoordinates(map, field, changed, inputs, untick) {
    function typed() {
      if (inputs.latitude.value || inputs.longitude.value) {
        untick(); /* a precise point is being typed: the commune's position is no longer wanted */
      }
      var latitude = parseDegrees(inputs.latitude, -90, 90);
      var longitude = parseDegrees(inputs.longitude, -180, 180);
      if (latitude === "" && longitude === "") {
        field.placeAt(null);
        return;
      }
      if (latitude === null || longitude === null || latitude === "" || longitude === "") {
        return;
      }
      var latlng = L.latLng(latitude, longitude);
      field.placeAt(latlng);
      if (!map.getBounds().contains(latlng)) {
        map.panTo(latlng);
      }
    }
    inputs.latitude.addEventListener("input", typed);
    inputs.longitude.addEventListener("input", typed);
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
