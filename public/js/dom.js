// Building DOM nodes. Text always goes in as text nodes, never as HTML: everything shown comes from
// the API, and the admin token lives in this page's storage.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

export const $ = (selector, root = document) => root.querySelector(selector);

/** A table body's rows, or one row spanning every column with `emptyText`. */
export function fillRows(tbody, rows, emptyText) {
  const columns = tbody.closest("table")?.querySelectorAll("thead th").length ?? 1;
  tbody.replaceChildren(...(rows.length ? rows : [h("tr", { class: "empty" }, h("td", { colspan: columns }, emptyText))]));
}

/** The first 8 characters of an id, the whole of it on hover and for screen readers. */
export function shortId(id) {
  return h("code", { class: "id", title: id, "aria-label": id }, id.slice(0, 8));
}
