/* The automation form builder (automation/templates/automation/trigger_form.html): what starts
 * the automation, conditions as nested AND/OR groups, and an ordered list of actions, built from
 * the schema the page embeds (automation.triggers.builder.builder_schema, each field listed once
 * under "fields" by automation/views/triggers.py) so nobody types JSON.
 *
 * The state is the definition itself ({"all": [...]} conditions, [{"type", "params"}] actions,
 * the relative time's params); every change is written back to the form's hidden JSON inputs,
 * which the server validates. Structural changes (add, remove, move, a new field or action
 * type) re-render; typing only updates the state, so focus stays put. Server errors keyed
 * "conditions.1.0", "actions.2.stage", "relative_params.days" are shown next to their row. */
(function () {
  "use strict";

  var MAX_DEPTH = 3;
  var form = document.querySelector("[data-trigger-builder]");
  if (!form) return;

  var schema = readJSON("trigger-builder-schema", {});
  var errors = readJSON("trigger-builder-errors", {}) || {};
  var readonly = form.dataset.readonly === "true";
  var hidden = {
    conditions: form.elements.namedItem("conditions"),
    actions: form.elements.namedItem("actions"),
    relative_params: form.elements.namedItem("relative_params")
  };
  var state = {
    conditions: normaliseGroup(parse(hidden.conditions.value, { all: [] })),
    actions: parse(hidden.actions.value, []),
    relative_params: parse(hidden.relative_params.value, {})
  };
  if (!Array.isArray(state.actions)) state.actions = [];
  if (!state.relative_params || typeof state.relative_params !== "object") state.relative_params = {};

  var roots = {
    conditions: form.querySelector("[data-conditions-root]"),
    actions: form.querySelector("[data-actions-root]"),
    relative: form.querySelector("[data-relative-params]")
  };
  var eventSelect = form.querySelector("[data-event-select]");
  var relativeSelect = form.querySelector("[data-relative-select]");
  var dryRunEvents = form.querySelector("[data-dry-run-events]");
  var uid = 0;

  // --- small helpers ------------------------------------------------------------------------

  function readJSON(id, fallback) {
    var node = document.getElementById(id);
    return node ? parse(node.textContent, fallback) : fallback;
  }

  function parse(text, fallback) {
    try {
      var value = JSON.parse(text);
      return value === null || value === undefined ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }

  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") el.textContent = value;
      else if (key === "className") el.className = value;
      else if (key.slice(0, 2) === "on") el.addEventListener(key.slice(2), value);
      else if (value === true) el.setAttribute(key, "");
      else el.setAttribute(key, value);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
  }

  function icon(name) {
    return h("i", { className: "bi bi-" + name, "aria-hidden": "true" });
  }

  function nextId(prefix) {
    uid += 1;
    return "tb-" + prefix + "-" + uid;
  }

  function option(value, label, selected) {
    return h("option", { value: value, selected: selected ? true : null, text: label });
  }

  function errorBlock(key) {
    var messages = errors[key];
    if (!messages || !messages.length) return null;
    return h("div", { className: "invalid-feedback d-block tb-error", "data-error-for": key },
      ...messages.map(function (message) {
        return h("div", null, icon("exclamation-circle"), message);
      }));
  }

  function iconButton(label, name, onclick, extra) {
    return h("button", {
      type: "button", className: "btn btn-ghost btn-icon btn-sm " + (extra || ""),
      title: label, "aria-label": label, onclick: onclick
    }, icon(name));
  }

  function sync() {
    hidden.conditions.value = JSON.stringify(state.conditions);
    hidden.actions.value = JSON.stringify(state.actions);
    hidden.relative_params.value = JSON.stringify(state.relative_params);
  }

  function when() {
    var checked = form.querySelector("[data-when-choice]:checked");
    return checked ? checked.value : "event";
  }

  // --- what the chosen start offers ---------------------------------------------------------

  function currentEvent() {
    var name = eventSelect ? eventSelect.value : "";
    return (schema.events || []).find(function (e) { return e.name === name; }) || null;
  }

  function currentTimeSource() {
    var key = relativeSelect ? relativeSelect.value : "";
    return (schema.time_sources || []).find(function (s) { return s.key === key; }) || null;
  }

  // The page lists each field once (schema.fields, by path); events and time sources name theirs.
  function availableFields() {
    var kind = when();
    var source = kind === "event" ? currentEvent() : kind === "relative" ? currentTimeSource() : null;
    return ((source && source.fields) || []).map(function (path) {
      return (schema.fields || {})[path];
    }).filter(Boolean);
  }

  function fieldByPath(path) {
    var found = availableFields().find(function (f) { return f.path === path; });
    if (found || !path) return found || null;
    // A field the current start does not list (a stale or hand-made definition): keep it.
    return { path: path, label: path, type: "text", choices: null, unknown: true };
  }

  function subjectLabel(key) {
    if (key === "payload") return "Event data";
    if (key === "event") return "Event";
    var subject = (schema.subjects || []).find(function (s) { return s.key === key; });
    return subject ? subject.label : key;
  }

  function availableSubjects() {
    var keys = {};
    availableFields().forEach(function (f) { keys[f.path.split(".")[0]] = true; });
    return keys;
  }

  function operatorsFor(field) {
    var type = field ? field.type : "text";
    return (schema.operators || []).filter(function (op) {
      return (op.types || []).indexOf(type) !== -1;
    });
  }

  function operator(key) {
    return (schema.operators || []).find(function (op) { return op.key === key; }) || null;
  }

  // --- conditions ---------------------------------------------------------------------------

  function isGroup(node) {
    return node && typeof node === "object" && (Array.isArray(node.all) || Array.isArray(node.any));
  }

  function normaliseGroup(node) {
    if (!isGroup(node)) return { all: [] };
    return node;
  }

  function groupKind(group) {
    return Array.isArray(group.any) ? "any" : "all";
  }

  function children(group) {
    return group[groupKind(group)];
  }

  function setKind(group, kind) {
    var items = children(group);
    delete group.all;
    delete group.any;
    group[kind] = items;
  }

  function renderConditions() {
    var root = roots.conditions;
    if (!root) return;
    root.textContent = "";
    var top = errorBlock("conditions");
    if (top) root.appendChild(top);
    if (!availableFields().length && when() !== "cron") {
      root.appendChild(h("p", { className: "tb-hint" },
        when() === "event" ? "Choose an event first: its fields show up here." : "Choose what to wait for first."));
    }
    root.appendChild(renderGroup(state.conditions, "conditions", 1));
  }

  function renderGroup(group, path, depth) {
    var kind = groupKind(group);
    var items = children(group);
    var box = h("div", {
      className: "tb-group" + (depth === 1 ? " tb-group-root" : "") + (errors[path] && depth > 1 ? " has-error" : ""),
      "data-path": path, role: "group", "aria-label": depth === 1 ? "Conditions" : "Group of conditions"
    });
    var kindId = nextId("kind");
    var head = h("div", { className: "tb-group-head" });
    if (items.length || depth > 1) {
      var kindSelect = h("select", {
        className: "form-select form-select-sm tb-kind", id: kindId, "aria-label": "Match",
        disabled: readonly, onchange: function () { setKind(group, this.value); changed(); }
      }, option("all", "All of these (AND)", kind === "all"), option("any", "Any of these (OR)", kind === "any"));
      head.appendChild(h("label", { className: "tb-group-label", "for": kindId, text: "Match" }));
      head.appendChild(kindSelect);
    } else {
      head.appendChild(h("span", { className: "tb-empty", text: "No conditions: it acts every time." }));
    }
    if (depth > 1 && !readonly) {
      head.appendChild(h("span", { className: "tb-spacer" }));
      head.appendChild(iconButton("Remove this group", "trash", function () {
        removeNode(path);
      }, "tb-remove"));
    }
    box.appendChild(head);
    if (depth > 1) {
      var groupError = errorBlock(path);
      if (groupError) box.appendChild(groupError);
    }

    var list = h("ol", { className: "tb-nodes" });
    items.forEach(function (node, index) {
      var childPath = path + "." + index;
      var item = h("li", { className: "tb-node" });
      if (index > 0) item.appendChild(h("span", { className: "tb-joiner", text: kind === "any" ? "or" : "and" }));
      item.appendChild(isGroup(node) ? renderGroup(node, childPath, depth + 1) : renderLeaf(node, childPath));
      list.appendChild(item);
    });
    if (items.length) box.appendChild(list);

    if (!readonly) {
      var foot = h("div", { className: "tb-group-foot" },
        h("button", {
          type: "button", className: "btn btn-light btn-sm", "data-add-condition": "",
          onclick: function () { items.push({ field: "", op: "", value: "" }); changed(); }
        }, icon("plus-lg"), "Condition"));
      if (depth < MAX_DEPTH) {
        foot.appendChild(h("button", {
          type: "button", className: "btn btn-light btn-sm", "data-add-group": "",
          onclick: function () {
            items.push({ any: [{ field: "", op: "", value: "" }] });
            changed();
          }
        }, icon("diagram-3"), "Group"));
      }
      box.appendChild(foot);
    }
    return box;
  }

  function nodeAt(path) {
    var parts = path.split(".").slice(1).map(Number);
    var node = state.conditions;
    var parent = null;
    var index = -1;
    parts.forEach(function (i) {
      parent = node;
      index = i;
      node = children(node)[i];
    });
    return { node: node, parent: parent, index: index };
  }

  function removeNode(path) {
    var found = nodeAt(path);
    if (found.parent) children(found.parent).splice(found.index, 1);
    dropErrors("conditions.");
    changed();
  }

  function renderLeaf(leaf, path) {
    var row = h("div", {
      className: "tb-leaf" + (errors[path] ? " has-error" : ""), "data-path": path,
      role: "group", "aria-label": "Condition"
    });
    var field = fieldByPath(leaf.field);
    var ops = operatorsFor(field);
    var op = operator(leaf.op);
    if (field && op && ops.indexOf(op) === -1) op = null;

    var fieldSelect = h("select", {
      className: "form-select form-select-sm tb-field", "aria-label": "Field", disabled: readonly,
      onchange: function () {
        leaf.field = this.value;
        var next = fieldByPath(leaf.field);
        var allowed = operatorsFor(next);
        var keep = allowed.find(function (o) { return o.key === leaf.op; });
        leaf.op = keep ? keep.key : (allowed[0] ? allowed[0].key : "");
        leaf.value = defaultValue(next, operator(leaf.op));
        changed();
      }
    }, option("", "Choose a field…", !leaf.field));
    var groups = {};
    var fields = availableFields().slice();
    if (field && field.unknown) fields.push(field);
    fields.forEach(function (f) {
      var key = f.path.split(".")[0];
      if (!groups[key]) {
        groups[key] = h("optgroup", { label: subjectLabel(key) });
        fieldSelect.appendChild(groups[key]);
      }
      groups[key].appendChild(option(f.path, f.label, f.path === leaf.field));
    });

    var opSelect = h("select", {
      className: "form-select form-select-sm tb-op", "aria-label": "Comparison",
      disabled: readonly || !leaf.field,
      onchange: function () {
        var before = operator(leaf.op);
        leaf.op = this.value;
        var after = operator(leaf.op);
        if (!before || !after || before.multi !== after.multi || before.takes_value !== after.takes_value) {
          leaf.value = defaultValue(field, after);
        }
        changed();
      }
    }, option("", "…", !op));
    ops.forEach(function (o) { opSelect.appendChild(option(o.key, o.label, op && o.key === op.key)); });

    var parts = h("div", { className: "tb-leaf-parts" }, fieldSelect, opSelect);
    if (op && op.takes_value) parts.appendChild(valueInput(leaf, field, op));
    row.appendChild(parts);
    if (!readonly) row.appendChild(iconButton("Remove this condition", "x-lg", function () { removeNode(path); }, "tb-remove"));
    var error = errorBlock(path);
    if (error) row.appendChild(error);
    return row;
  }

  function defaultValue(field, op) {
    if (!op || !op.takes_value) return null;
    if (op.multi) return [];
    if (field && field.type === "bool") return true;
    return "";
  }

  function valueInput(leaf, field, op) {
    var type = field ? field.type : "text";
    var choices = (field && field.choices) || null;
    var set = function (value) { leaf.value = value; sync(); };

    if (op.multi) {
      var values = Array.isArray(leaf.value) ? leaf.value.map(String) : [];
      if (choices && choices.length) {
        var box = h("div", { className: "tb-multi", role: "group", "aria-label": "Values" });
        choices.forEach(function (choice) {
          var id = nextId("choice");
          var input = h("input", {
            type: "checkbox", className: "form-check-input", id: id, value: String(choice[0]),
            checked: values.indexOf(String(choice[0])) !== -1 ? true : null, disabled: readonly,
            onchange: function () {
              set(Array.from(box.querySelectorAll("input:checked")).map(function (el) {
                return typed(el.value, type);
              }));
            }
          });
          box.appendChild(h("div", { className: "form-check" }, input,
            h("label", { className: "form-check-label", "for": id, text: choice[1] })));
        });
        return box;
      }
      return h("input", {
        type: "text", className: "form-control form-control-sm tb-value", "aria-label": "Values",
        placeholder: "Values, separated by commas", value: values.join(", "), disabled: readonly,
        oninput: function () {
          set(this.value.split(",").map(function (part) { return part.trim(); })
            .filter(Boolean).map(function (part) { return typed(part, type); }));
        }
      });
    }

    var current = leaf.value === null || leaf.value === undefined ? "" : String(leaf.value);
    if (type === "bool") {
      return h("select", {
        className: "form-select form-select-sm tb-value", "aria-label": "Value", disabled: readonly,
        onchange: function () { set(this.value === "true"); }
      }, option("true", "Yes", current !== "false"), option("false", "No", current === "false"));
    }
    if (choices && choices.length && type !== "tags" && type !== "text") {
      var select = h("select", {
        className: "form-select form-select-sm tb-value", "aria-label": "Value", disabled: readonly,
        onchange: function () { set(typed(this.value, type)); }
      }, option("", "Choose…", !current));
      choices.forEach(function (choice) {
        select.appendChild(option(String(choice[0]), choice[1], String(choice[0]) === current));
      });
      return select;
    }
    var attrs = {
      className: "form-control form-control-sm tb-value", "aria-label": "Value", value: current,
      disabled: readonly, oninput: function () { set(typed(this.value, type)); }
    };
    if (type === "number") {
      attrs.type = "number";
      attrs.step = "any";
    } else if (type === "datetime") {
      attrs.type = "datetime-local";
    } else {
      attrs.type = "text";
      attrs.placeholder = type === "tags" ? "Tag name" : "Value";
    }
    var input = h("input", attrs);
    if (choices && choices.length) {
      // Tags and free text: suggest the known values, accept any.
      var listId = nextId("list");
      input.setAttribute("list", listId);
      var datalist = h("datalist", { id: listId });
      choices.forEach(function (choice) { datalist.appendChild(h("option", { value: String(choice[1]) })); });
      return h("span", { className: "tb-value-wrap" }, input, datalist);
    }
    return input;
  }

  function typed(text, type) {
    if (type === "number" && text !== "" && !isNaN(Number(text))) return Number(text);
    return text;
  }

  // --- params (actions and the relative time) -----------------------------------------------

  function paramInput(spec, params, errorKey, idPrefix) {
    var id = idPrefix + "-" + spec.name;
    var value = params[spec.name];
    if (value === undefined || value === null) value = spec["default"];
    if (value === undefined) value = null;
    if (value !== null && params[spec.name] === undefined) params[spec.name] = value;
    var set = function (next) { params[spec.name] = next; sync(); };
    var invalid = errors[errorKey] ? " is-invalid" : "";
    var control;
    if (spec.kind === "bool") {
      control = h("div", { className: "form-check" },
        h("input", {
          type: "checkbox", className: "form-check-input", id: id, disabled: readonly,
          checked: value === true || value === "true" ? true : null,
          onchange: function () { set(this.checked); }
        }),
        h("label", { className: "form-check-label", "for": id, text: spec.label }));
    } else if (spec.kind === "choice") {
      control = h("select", {
        className: "form-select" + invalid, id: id, disabled: readonly,
        onchange: function () { set(this.value); }
      }, option("", "Choose…", value === null || value === ""));
      (spec.choices || []).forEach(function (choice) {
        control.appendChild(option(String(choice[0]), choice[1], String(choice[0]) === String(value)));
      });
    } else if (spec.kind === "textarea") {
      control = h("textarea", {
        className: "form-control" + invalid, id: id, rows: "3", disabled: readonly,
        oninput: function () { set(this.value); }
      });
      control.value = value === null ? "" : String(value);
    } else {
      control = h("input", {
        type: spec.kind === "int" ? "number" : "text", className: "form-control" + invalid, id: id,
        value: value === null ? "" : String(value), disabled: readonly,
        step: spec.kind === "int" ? "1" : null, min: spec.kind === "int" ? "0" : null,
        oninput: function () {
          set(spec.kind === "int" && this.value !== "" ? Number(this.value) : this.value);
        }
      });
    }
    if (spec.kind !== "choice" && spec.kind !== "bool" && spec.choices && spec.choices.length) {
      // Free text with suggestions (e.g. an existing tag, or a new name).
      var listId = nextId("list");
      control.setAttribute("list", listId);
      var suggestions = h("datalist", { id: listId });
      spec.choices.forEach(function (choice) { suggestions.appendChild(h("option", { value: String(choice[0]) })); });
      control = h("span", { className: "tb-value-wrap" }, control, suggestions);
    }
    var wrap = h("div", { className: "form-field tb-param" + (errors[errorKey] ? " has-error" : ""), "data-param": spec.name });
    if (spec.kind !== "bool") {
      wrap.appendChild(h("label", { className: "form-label", "for": id },
        spec.label, spec.required ? null : h("span", { className: "form-optional", text: " Optional" })));
    }
    wrap.appendChild(control);
    if (spec.help) wrap.appendChild(h("div", { className: "form-text", text: spec.help }));
    var error = errorBlock(errorKey);
    if (error) wrap.appendChild(error);
    return wrap;
  }

  function renderRelative() {
    if (!roots.relative) return;
    roots.relative.textContent = "";
    var source = currentTimeSource();
    if (!source) return;
    var params = state.relative_params;
    (source.params || []).forEach(function (spec) {
      roots.relative.appendChild(paramInput(spec, params, "relative_params." + spec.name, "relative"));
    });
  }

  // --- actions ------------------------------------------------------------------------------

  function actionType(key) {
    return (schema.actions || []).find(function (a) { return a.key === key; }) || null;
  }

  function renderActions() {
    var root = roots.actions;
    if (!root) return;
    root.textContent = "";
    var top = errorBlock("actions");
    if (top) root.appendChild(top);
    var list = h("ol", { className: "tb-actions" });
    var subjects = availableSubjects();
    state.actions.forEach(function (action, index) {
      list.appendChild(renderAction(action, index, subjects));
    });
    if (state.actions.length) root.appendChild(list);
    else root.appendChild(h("p", { className: "tb-hint", text: "No actions yet: add what should happen." }));
    if (!readonly) {
      root.appendChild(h("button", {
        type: "button", className: "btn btn-light btn-sm", "data-add-action": "",
        onclick: function () {
          state.actions.push({ type: "", params: {} });
          changed();
          var selects = root.querySelectorAll(".tb-action-type");
          if (selects.length) selects[selects.length - 1].focus();
        }
      }, icon("plus-lg"), "Add action"));
    }
  }

  function renderAction(action, index, subjects) {
    if (!action.params || typeof action.params !== "object") action.params = {};
    var prefix = "actions." + index + ".";
    var type = actionType(action.type);
    var hasErrors = Object.keys(errors).some(function (key) { return key.indexOf(prefix) === 0; });
    var item = h("li", {
      className: "tb-action" + (hasErrors ? " has-error" : ""), "data-index": String(index),
      role: "group", "aria-label": "Action " + (index + 1)
    });
    var typeId = nextId("action");
    var typeSelect = h("select", {
      className: "form-select tb-action-type" + (errors[prefix + "type"] ? " is-invalid" : ""),
      id: typeId, "aria-label": "Action", disabled: readonly,
      onchange: function () {
        action.type = this.value;
        action.params = {};
        dropErrors(prefix);
        changed();
      }
    }, option("", "Choose an action…", !action.type));
    var fits = h("optgroup", { label: "For this start" });
    var others = h("optgroup", { label: "Needs something this start may not have" });
    (schema.actions || []).forEach(function (a) {
      var ok = (a.needs || []).every(function (need) { return subjects[need]; });
      (ok ? fits : others).appendChild(option(a.key, a.label, a.key === action.type));
    });
    if (fits.children.length) typeSelect.appendChild(fits);
    if (others.children.length) typeSelect.appendChild(others);

    var head = h("div", { className: "tb-action-head" },
      h("span", { className: "tb-action-no", "aria-hidden": "true", text: String(index + 1) }),
      typeSelect);
    if (!readonly) {
      var tools = h("div", { className: "tb-action-tools" });
      tools.appendChild(iconButton("Move action " + (index + 1) + " up", "arrow-up", function () { move(index, -1); }, index === 0 ? "invisible" : ""));
      tools.appendChild(iconButton("Move action " + (index + 1) + " down", "arrow-down", function () { move(index, 1); }, index === state.actions.length - 1 ? "invisible" : ""));
      tools.appendChild(iconButton("Remove action " + (index + 1), "trash", function () {
        state.actions.splice(index, 1);
        dropErrors("actions.");
        changed();
      }, "tb-remove"));
      head.appendChild(tools);
    }
    item.appendChild(head);
    var typeError = errorBlock(prefix + "type");
    if (typeError) item.appendChild(typeError);
    if (type) {
      if (type.description) item.appendChild(h("p", { className: "tb-action-help", text: type.description }));
      var body = h("div", { className: "tb-action-params" });
      (type.params || []).forEach(function (spec) {
        body.appendChild(paramInput(spec, action.params, prefix + spec.name, "action-" + index));
      });
      if (body.children.length) item.appendChild(body);
    }
    // Errors keyed to this action but to no param shown (e.g. from an action's own check).
    Object.keys(errors).forEach(function (key) {
      if (key.indexOf(prefix) !== 0 || key === prefix + "type") return;
      var name = key.slice(prefix.length);
      if (type && (type.params || []).some(function (p) { return p.name === name; })) return;
      item.appendChild(errorBlock(key));
    });
    return item;
  }

  function move(index, step) {
    var target = index + step;
    if (target < 0 || target >= state.actions.length) return;
    var moved = state.actions.splice(index, 1)[0];
    state.actions.splice(target, 0, moved);
    dropErrors("actions.");
    changed();
    var buttons = roots.actions.querySelectorAll(".tb-action")[target];
    if (buttons) buttons.querySelector(".tb-action-type").focus();
  }

  // Errors refer to rows by position: once rows move, the old messages would point at the
  // wrong row, so they go (the server says again on the next save).
  function dropErrors(prefix) {
    Object.keys(errors).forEach(function (key) {
      if (key.indexOf(prefix) === 0) delete errors[key];
    });
  }

  // --- the page -----------------------------------------------------------------------------

  function showPanels() {
    var kind = when();
    form.querySelectorAll("[data-when-panel]").forEach(function (panel) {
      panel.hidden = panel.dataset.whenPanel !== kind;
    });
    form.querySelectorAll("[data-when-choice]").forEach(function (radio) {
      radio.closest("label").classList.toggle("is-selected", radio.checked);
    });
  }

  function changed() {
    sync();
    renderConditions();
    renderActions();
  }

  function refreshDryRunEvents() {
    if (!dryRunEvents || !form.dataset.eventsUrl) return;
    var name = when() === "event" && eventSelect ? eventSelect.value : "";
    fetch(form.dataset.eventsUrl + "?event_name=" + encodeURIComponent(name), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) dryRunEvents.innerHTML = html; })
      .catch(function () { /* keep the sample option */ });
  }

  form.querySelectorAll("[data-when-choice]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      showPanels();
      changed();
      refreshDryRunEvents();
    });
  });
  if (eventSelect) {
    eventSelect.addEventListener("change", function () {
      changed();
      refreshDryRunEvents();
    });
  }
  if (relativeSelect) {
    relativeSelect.addEventListener("change", function () {
      state.relative_params = {};
      renderRelative();
      changed();
    });
  }
  form.addEventListener("submit", sync);
  // A dry run validates like a save: its errors mark the rows the same way.
  form.addEventListener("htmx:afterSwap", function () {
    var found = document.getElementById("trigger-dry-run-errors");
    if (!found) return;
    errors = parse(found.textContent, {}) || {};
    renderRelative();
    changed();
  });

  showPanels();
  renderRelative();
  changed();
  var firstError = form.querySelector(".tb-error");
  if (firstError && form.querySelector("[data-builder-summary]")) {
    firstError.scrollIntoView({ block: "center" });
  }
})();
