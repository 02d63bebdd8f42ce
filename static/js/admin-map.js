/* Starts the admin's GDAL-free map widgets (ess_portal/widgets.py) with django-leaflet's own
 * L.Map.djangoMap and L.GeometryField (leaflet.forms.js). Each widget carries its settings in data-*
 * attributes and a json_script element, so no inline script is needed.
 *
 * A point widget also has latitude and longitude inputs: typing valid coordinates moves the marker,
 * placing or dragging the marker fills them in, and both keep the (hidden) GeoJSON textarea up to date.
 * A read-only widget (data-readonly: a pole's outline, derived from its communes) only shows its geometry.
 *
 * Leaflet's and Leaflet.draw's own strings (L.drawLocal) are translated through Django's JavaScript
 * catalogue (the admin's jsi18n, which reads locale/fr/LC_MESSAGES/djangojs.po). Whatever the drawing tools
 * do is written into the form at once (every drag, vertex move, deletion), and a tool still active when
 * the form is sent has its pending change committed: Leaflet.draw's own "Enregistrer" is never needed.
 *
 * Where the form has a commune, the point follows it while "use the commune's position" is ticked: the
 * marker stands on the chosen commune and the map is centred there. Once the coordinator places the point
 * (click, drag, typed coordinates: the box is unticked), a later change of commune only recentres the map;
 * ticking the box again puts the marker back on the commune. */
(function () {
  "use strict";

  var DECIMALS = 6; /* about 10 cm: more would only be noise */
  var PLACE_ZOOM = 13;
  var _ = typeof window.gettext === "function" ? window.gettext : function (text) { return text; };

  /* Leaflet.draw's strings in the page's language (the msgids are Leaflet.draw's own English). */
  function translateDrawStrings() {
    if (translateDrawStrings.done) { return; }
    translateDrawStrings.done = true;
    if (L.Control.Zoom) {
      L.Control.Zoom.prototype.options.zoomInTitle = _("Zoom in");
      L.Control.Zoom.prototype.options.zoomOutTitle = _("Zoom out");
    }
    if (L.Control.ResetView) { L.Control.ResetView.TITLE = _("Reset view"); }
    if (!L.drawLocal) { return; }
    var draw = L.drawLocal.draw, edit = L.drawLocal.edit;
    draw.toolbar.actions = { title: _("Cancel drawing"), text: _("Cancel") };
    draw.toolbar.finish = { title: _("Finish drawing"), text: _("Finish") };
    draw.toolbar.undo = { title: _("Delete last point drawn"), text: _("Delete last point") };
    draw.toolbar.buttons.polyline = _("Draw a line");
    draw.toolbar.buttons.polygon = _("Draw a polygon");
    draw.toolbar.buttons.rectangle = _("Draw a rectangle");
    draw.toolbar.buttons.circle = _("Draw a circle");
    draw.toolbar.buttons.marker = _("Place a marker");
    draw.toolbar.buttons.circlemarker = _("Place a circle marker");
    draw.handlers.circle.tooltip.start = _("Click and drag to draw a circle.");
    draw.handlers.circle.radius = _("Radius");
    draw.handlers.circlemarker.tooltip.start = _("Click the map to place a circle marker.");
    draw.handlers.marker.tooltip.start = _("Click the map to place the marker.");
    draw.handlers.polygon.tooltip = {
      start: _("Click to start drawing the shape."),
      cont: _("Click to continue drawing the shape."),
      end: _("Click the first point to close the shape.")
    };
    draw.handlers.polyline.error = _("<strong>Error:</strong> the edges of a shape cannot cross.");
    draw.handlers.polyline.tooltip = {
      start: _("Click to start drawing the line."),
      cont: _("Click to continue drawing the line."),
      end: _("Click the last point to finish the line.")
    };
    draw.handlers.rectangle.tooltip.start = _("Click and drag to draw a rectangle.");
    draw.handlers.simpleshape.tooltip.end = _("Release the mouse to finish drawing.");
    edit.toolbar.actions.save = {
      title: _("Keep these changes (the form's Save button keeps them too)."),
      text: _("Done")
    };
    edit.toolbar.actions.cancel = { title: _("Cancel editing and undo the changes."), text: _("Cancel") };
    edit.toolbar.actions.clearAll = { title: _("Remove everything"), text: _("Remove all") };
    edit.toolbar.buttons = {
      edit: _("Move the marker or the corners"),
      editDisabled: _("Nothing to move"),
      remove: _("Remove"),
      removeDisabled: _("Nothing to remove")
    };
    edit.handlers.edit.tooltip = {
      text: _("Drag the marker or the corners."),
      subtext: _("Cancel undoes the changes.")
    };
    edit.handlers.remove.tooltip.text = _("Click what to remove.");
  }

  function start(container) {
    var fieldId = container.getAttribute("data-field-id");
    var mapId = container.getAttribute("data-map-id");
    var geomType = container.getAttribute("data-geom-type");
    var readonly = container.hasAttribute("data-readonly");
    var djoptions = JSON.parse(document.getElementById(container.getAttribute("data-options-id")).textContent);
    translateDrawStrings();
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
        keepEditsInForm(map, field, textarea, changed, coordinateInputs(container));
        if (geomType === "POINT") {
          var inputs = coordinateInputs(container);
          enableDirectPlacement(map, field, changed, inputs);
          if (inputs) {
            enableTypedCoordinates(map, field, changed, inputs, untick);
          }
          followCommune(container, map, field, inputs);
        }
      }
    });
  }

  /* Every move made with Leaflet.draw's edit and delete tools is written into the form as it happens,
   * and the form's own submit button commits whatever tool is still active. */
  function keepEditsInForm(map, field, textarea, changed, inputs) {
    function sync() {
      field.store.save(field.drawnItems);
      showInInputs(field, inputs);
    }
    function write() {
      sync();
      changed();
    }
    map.on("draw:editmove draw:editvertex draw:editresize", write);
    map.on("draw:editstart draw:deletestart", function () {
      setTimeout(function () { uncover(map, field); }, 0);
    });
    /* A removal is made in the layer at once; Cancel puts the layers back: the form follows both. */
    field.drawnItems.on("layerremove", function () {
      if (field._acceptDrawEvents) { write(); }
    });
    map.on("draw:editstop draw:deletestop", function () {
      setTimeout(sync, 0); /* after Leaflet.draw has put back or kept the layers */
    });
    if (textarea.form) {
      textarea.form.addEventListener("submit", function () {
        var toolbars = field._drawControl && field._drawControl._toolbars;
        Object.keys(toolbars || {}).forEach(function (name) {
          var toolbar = toolbars[name];
          if (toolbar.enabled && toolbar.enabled() && toolbar._activeMode) {
            if (name === "edit" || name === "remove") {
              toolbar._activeMode.handler.save(); /* commit the pending edit, as Leaflet.draw's button would */
            }
          }
        });
        if (field._acceptDrawEvents || field._unsavedChanges) { sync(); }
      });
    }
  }

  /* Leaflet.draw's bar of actions ("Terminer", "Annuler") opens over the map, where a centred marker is on a
   * phone: pan the map so that what is being edited stays within reach. */
  function uncover(map, field) {
    var bars = map.getContainer().querySelectorAll(".leaflet-draw-actions");
    var bar = null;
    bars.forEach(function (element) { if (element.offsetParent !== null && element.offsetWidth) { bar = element; } });
    if (!bar || !field.drawnItems.getLayers().length) { return; }
    var mapBox = map.getContainer().getBoundingClientRect(), barBox = bar.getBoundingClientRect();
    var right = barBox.right - mapBox.left, top = barBox.top - mapBox.top - 45, bottom = barBox.bottom - mapBox.top + 45;
    var bounds = field.drawnItems.getBounds();
    var west = map.latLngToContainerPoint(bounds.getSouthWest()).x;
    var north = map.latLngToContainerPoint(bounds.getNorthEast()).y;
    var south = map.latLngToContainerPoint(bounds.getSouthWest()).y;
    if (west < right + 20 && south > top && north < bottom) {
      map.panBy([west - (right + 40), 0], { animate: false });
    }
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

  function readPoint(latitude, longitude) {
    var lat = parseFloat(latitude), lng = parseFloat(longitude);
    return isFinite(lat) && isFinite(lng) ? L.latLng(lat, lng) : null;
  }

  /* The point follows the commune chosen in the form while "use the commune's position" is ticked (see
   * the top of this file). The marker shown then is the commune's: nothing is written in the form, whose
   * empty position means "the commune's" on save; dragging it makes it the coordinator's own. */
  function followCommune(container, map, field, inputs) {
    var fieldId = container.getAttribute("data-field-id");
    var box = document.querySelector('[data-clears-map="' + fieldId + '"]');
    var select = document.getElementById(container.getAttribute("data-commune-field") || "");
    var communePoint = readPoint(
      container.getAttribute("data-commune-latitude"), container.getAttribute("data-commune-longitude")
    );
    var note = container.querySelector("[data-commune-note]");
    if (!box) { return; }

    function showCommune() {
      field.drawnItems.clearLayers();
      field.store.save(field.drawnItems);
      if (inputs) { inputs.latitude.value = ""; inputs.longitude.value = ""; }
      if (!communePoint) { return; }
      var marker = L.marker(communePoint, { title: _("The commune's position") });
      field.drawnItems.addLayer(marker);
      if (marker.dragging) {
        marker.dragging.enable();
        marker.on("dragend", function () {
          field.store.save(field.drawnItems);
          showInInputs(field, inputs);
          box.checked = false;
          box.dispatchEvent(new Event("change", { bubbles: true }));
        });
      }
      map.setView(communePoint, Math.max(map.getZoom(), PLACE_ZOOM), { animate: false });
    }

    function communeChosen(latitude, longitude) {
      communePoint = readPoint(latitude, longitude);
      if (note) { note.hidden = true; }
      if (box.checked) {
        showCommune();
      } else if (communePoint) {
        map.setView(communePoint, Math.max(map.getZoom(), PLACE_ZOOM), { animate: false });
        if (note) { note.hidden = false; } /* the coordinator's point stays where they put it */
      }
    }

    if (box.checked && communePoint) { showCommune(); }
    box.addEventListener("change", function () {
      if (box.checked) {
        if (note) { note.hidden = true; }
        showCommune();
      }
    });
    if (!select) { return; }
    if (window.django && window.django.jQuery) {
      window.django.jQuery(select).on("select2:select", function (e) {
        var data = (e.params && e.params.data) || {};
        communeChosen(data.latitude, data.longitude);
      });
    }
    select.addEventListener("change", function () {
      /* a plain select: its options may carry the position (data-latitude, data-longitude) */
      var option = select.options[select.selectedIndex];
      if (option && option.hasAttribute("data-latitude")) {
        communeChosen(option.getAttribute("data-latitude"), option.getAttribute("data-longitude"));
      }
    });
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
