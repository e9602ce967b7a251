// The fallback config as a form. The server's copy is kept whole: fields the form does not edit
// (the provider list, anything a newer API adds) go back unchanged, because PUT replaces it all.
import { ApiError } from "./api.js";
import { CONFIG_FIELDS, CONFIG_GROUPS, validateConfig } from "./config-rules.js";
import { $, h } from "./dom.js";
import { fmt, t } from "./i18n.js";

const id = (key, part = "") => `cfg-${key}${part}`;

function fieldMarkup(field) {
  if (field.type === "boolean") {
    return h("div", { class: "field field-switch", "data-key": field.key },
      h("input", { type: "checkbox", id: id(field.key), name: field.key, role: "switch" }),
      h("label", { for: id(field.key) }, t(`config.${field.key}`)),
    );
  }
  return h("div", { class: "field", "data-key": field.key },
    h("label", { for: id(field.key) }, t(`config.${field.key}`)),
    h("div", { class: "input-wrap" },
      h("input", {
        type: "text",
        id: id(field.key),
        name: field.key,
        inputmode: field.type === "integer" ? "numeric" : "decimal",
        autocomplete: "off",
        spellcheck: "false",
        "aria-describedby": `${id(field.key, "-hint")} ${id(field.key, "-error")}`,
      }),
      field.unit ? h("span", { class: "unit", "aria-hidden": "true" }, field.unit) : null,
    ),
    h("p", { class: "hint", id: id(field.key, "-hint") }, t(`config.${field.key}.hint`)),
    h("p", { class: "field-error", id: id(field.key, "-error") }),
  );
}

const providerNames = (list) =>
  Array.isArray(list) ? list.map((p) => (typeof p === "string" ? p : `${p?.name ?? "?"}${p?.markup ? ` ×${p.markup}` : ""}`)) : [];

export function mountConfigForm(form, { save }) {
  let server = null;
  const touched = new Set();
  const status = $("#config-status", form);
  const saveButton = $("#config-save", form);
  const resetButton = $("#config-reset", form);
  const providers = h("p", { class: "providers", id: "cfg-providers" });

  $("#config-fields", form).replaceChildren(
    ...CONFIG_GROUPS.map((group) =>
      h("fieldset", { "data-group": group },
        h("legend", {}, t(`config.group.${group}`)),
        ...CONFIG_FIELDS.filter((f) => f.group === group).map(fieldMarkup),
        group === "external"
          ? h("div", { class: "field" }, h("span", { class: "label" }, t("config.external_pool_providers")), providers, h("p", { class: "hint" }, t("config.providers_note")))
          : null,
      ),
    ),
  );
  const input = (key) => form.elements.namedItem(key);
  // Only the fields the server reported are shown and sent.
  const shown = () => CONFIG_FIELDS.filter((f) => server && f.key in server);

  const raw = () => Object.fromEntries(shown().map((f) => [f.key, f.type === "boolean" ? input(f.key).checked : input(f.key).value]));

  const setError = (key, text) => {
    const field = form.querySelector(`.field[data-key="${key}"]`);
    const el = $(`#${id(key, "-error")}`, form);
    if (!field || !el) return false;
    field.classList.toggle("invalid", !!text);
    input(key).setAttribute("aria-invalid", text ? "true" : "false");
    el.textContent = text ?? "";
    return true;
  };

  const setStatus = (text, kind = "") => {
    status.textContent = text;
    status.className = `form-status ${kind}`;
  };

  const check = (all) => {
    const { values, errors } = validateConfig(raw());
    for (const f of shown()) {
      if (f.type === "boolean") continue;
      const error = errors[f.key];
      setError(f.key, (all || touched.has(f.key)) && error ? t(`error.${error.code}`, error.params) : null);
    }
    return { values, errors };
  };

  const isDirty = () => {
    if (!server) return false;
    const current = raw();
    return shown().some((f) => (f.type === "boolean" ? current[f.key] !== server[f.key] : String(current[f.key]).trim() !== String(server[f.key])));
  };
  const refreshButtons = () => {
    const dirty = isDirty();
    saveButton.disabled = !dirty;
    resetButton.disabled = !dirty;
  };

  function fill(config) {
    server = config;
    touched.clear();
    for (const f of CONFIG_FIELDS) {
      form.querySelector(`.field[data-key="${f.key}"]`).hidden = !(f.key in config);
      if (f.type === "boolean") input(f.key).checked = config[f.key] === true;
      else input(f.key).value = config[f.key] ?? "";
      setError(f.key, null);
    }
    for (const group of CONFIG_GROUPS) {
      form.querySelector(`fieldset[data-group="${group}"]`).hidden = !CONFIG_FIELDS.some((f) => f.group === group && f.key in config);
    }
    const names = providerNames(config.external_pool_providers);
    providers.textContent = names.length ? names.join(", ") : t("config.providers_none");
    refreshButtons();
  }

  form.addEventListener("input", (event) => {
    if (event.target.name) touched.add(event.target.name);
    check(false);
    refreshButtons();
    if (status.classList.contains("ok")) setStatus("");
  });
  form.addEventListener("focusout", (event) => {
    if (!event.target.name || !server) return;
    touched.add(event.target.name);
    check(false);
  });
  resetButton.addEventListener("click", () => {
    fill(server);
    setStatus("");
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { values, errors } = check(true);
    const invalid = shown().find((f) => errors[f.key]);
    if (invalid) {
      setStatus(t("config.invalid"), "error");
      input(invalid.key).focus();
      return;
    }
    saveButton.disabled = true;
    setStatus(t("config.saving"));
    try {
      const saved = await save({ ...server, ...values });
      fill(saved);
      setStatus(t("config.saved", { time: fmt.clock(Date.now()) }), "ok");
    } catch (e) {
      const field = e instanceof ApiError && e.field ? e.field.split(".")[0] : null;
      if (!field || !setError(field, e.message)) setStatus(t("config.server_error", { message: e.message }), "error");
      else {
        setStatus(t("config.invalid"), "error");
        input(field).focus();
      }
      refreshButtons();
    }
  });

  return { fill };
}
