// soilmap's static viewer: the run's tile pyramids, hotspots, sites and
// samples from layers.json (written by `soilmap publish`), legends from each
// pyramid's legend.json. Works from any static web server and offline: a
// basemap is fetched only when the config asks for one (publish.basemap).
// With crs: local (no georeference) the maps are images on a plain metric
// canvas (L.CRS.Simple, 1 unit = 1 m) and a note says so.
// With ?selftest in the URL it checks itself and reports in #selftest.
"use strict";

const errors = [];
window.addEventListener("error", (e) => errors.push("error: " + e.message));
const consoleError = console.error;
console.error = (...a) => { errors.push("console: " + a.join(" ")); consoleError(...a); };

function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// ---- values as people read them ----

// About three significant digits, never a float's noise: 139.249 -> "139",
// 5.1981 -> "5.20", 0.02477 -> "0.025".
function formatNumber(v) {
  if (typeof v !== "number" || !isFinite(v)) return String(v ?? "");
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  const s = v.toPrecision(2);
  return s.includes("e") ? v.toExponential(1) : s;
}

// A probability to two decimals, with the ends said as bounds.
function formatProbability(p) {
  if (typeof p !== "number" || !isFinite(p)) return String(p ?? "");
  return p > 0.99 ? "> 0.99" : p < 0.01 ? "< 0.01" : p.toFixed(2);
}

function withUnit(v, unit) {
  const s = formatNumber(v);
  return unit && s !== "" ? `${s} ${unit}` : s;
}

// Field -> [label, how to format]; rows with no value are left out.
const fields = {
  tier: ["Guideline tier", formatNumber],
  area_ha: ["Area", (v) => withUnit(v, "ha")],
  max_ratio: ["Max. ratio to guideline", (v) => formatNumber(v) + " ×"],
  mean_probability: ["Mean probability above guideline", formatProbability],
  max_probability: ["Max. probability above guideline", formatProbability],
  main_landuse: ["Main land use", String],
  landuse: ["Land use", String],
  n_samples: ["Samples inside", formatNumber],
  n_samples_near: ["Samples nearby", formatNumber],
  source_name: ["Nearest source", String],
  source_distance_m: ["Distance to source", (v) => withUnit(v, "m")],
  priority_class: ["Priority", String],
  reason: ["Reason", String],
  hotspots: ["Hotspots", String],
  recommendations: ["Recommendations", String],
};

function row(label, text) {
  return `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(text)}</td></tr>`;
}

function table(props, keys, extra = "") {
  return "<table>" + keys.filter((k) => props[k] !== undefined && props[k] !== null && props[k] !== "")
    .map((k) => row(fields[k][0], fields[k][1](props[k]))).join("") + extra + "</table>";
}

// One row per contaminant with a value in field `<c><suffix>`, in its unit.
function contaminantRows(props, units, suffix, what) {
  return Object.keys(units).filter((c) => typeof props[c + suffix] === "number")
    .map((c) => row(`${c} ${what}`, withUnit(props[c + suffix], units[c]))).join("");
}

function hotspotPopup(p, units) {
  const mine = {};
  for (const c of String(p.contaminants || "").split(/[,; ]+/)) if (units[c]) mine[c] = units[c];
  return `<div class="popup"><h4>Hotspot ${escapeHtml(p.id)}: ${escapeHtml(p.contaminants)}</h4>` +
    table(p, ["tier", "area_ha", "max_ratio", "mean_probability", "main_landuse", "n_samples",
              "source_name", "source_distance_m"], contaminantRows(p, mine, "_max", "max.")) +
    `<h4>Recommendations</h4><p class="recommendations">${escapeHtml(p.recommendations || "none")}</p>` +
    (p.action_plan ? `<pre>${escapeHtml(p.action_plan)}</pre>` : "") + "</div>";
}

function sitePopup(p, units) {
  return `<div class="popup"><h4>${escapeHtml(p.site_id)} ${escapeHtml(p.name)}</h4>` +
    table(p, ["priority_class", "reason", "landuse", "max_probability", "max_ratio",
              "n_samples_near", "source_name", "source_distance_m", "hotspots", "recommendations"],
          contaminantRows(p, units, "_pred", "predicted")) + "</div>";
}

// A sample's values in their units; "< 0.5 mg/kg" style for censored ones.
function samplePopup(p, units) {
  const rows = Object.keys(units).filter((c) => p[c] !== undefined && p[c] !== null).map((c) => {
    const flag = p[c + "_flag"];
    const censored = flag && flag !== "detected" && typeof p[c + "_limit"] === "number";
    return row(c, censored ? `< ${withUnit(p[c + "_limit"], units[c])} (${flag})`
                           : withUnit(p[c], units[c]));
  }).join("");
  return `<div class="popup"><h4>Sample ${escapeHtml(p.sample_id)}</h4><table>${rows}</table></div>`;
}

// ---- legends ----

// The screening's priority classes (screen.c), in order, with their colours.
const priorities = [["high", "#b2182b"], ["medium", "#ef8a62"], ["low", "#fddbc7"],
                    ["very low", "#f7f7f7"], ["not assessed", "#999999"]];
const priorityColour = Object.fromEntries(priorities);

// A panel in the map's bottom-left corner: Leaflet stacks the corner's
// controls, so legends never cover the scale bar (added first, lowest).
function panel(map, id) {
  const c = L.control({ position: "bottomleft" });
  c.onAdd = () => {
    const d = L.DomUtil.create("div", "panel");
    d.id = id;
    L.DomEvent.disableClickPropagation(d);
    L.DomEvent.disableScrollPropagation(d);
    return d;
  };
  c.addTo(map);
  return document.getElementById(id);
}

function showLegend(box, legend) {
  box.innerHTML = `<h4>${escapeHtml(legend.title)}</h4>` + legend.stops.map((s) =>
    `<div><span class="swatch" style="background:${s.color}"></span>${escapeHtml(s.label)}</div>`).join("");
}

function showPriorityLegend(box) {
  box.innerHTML = "<h4>Site priority</h4>" + priorities.map(([name, colour]) =>
    `<div><span class="swatch round" style="background:${colour}"></span>${escapeHtml(name)}</div>`)
    .join("");
}

// A note in the legend's place (publish.tiles: false) or above it (crs: local).
function note(box, text) {
  box.insertAdjacentHTML("afterbegin", `<p class="note">${escapeHtml(text)}</p>`);
}

async function json(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}

// ---- the map ----

function makeMap(cfg) {
  const b = cfg.bounds;
  const bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]); // local: [y, x] in metres
  const local = cfg.crs === "local";
  const map = local
    ? L.map("map", { crs: L.CRS.Simple, minZoom: -12, maxZoom: 8, zoomSnap: 0.25 })
    : L.map("map", { maxZoom: cfg.maxzoom + 2 });
  map.fitBounds(bounds);
  if (local) document.body.classList.add("local");
  return { map, bounds, local };
}

function rasterLayer(t, cfg, bounds, local, status) {
  const layer = local
    ? L.imageOverlay(t.url, bounds, { opacity: 0.85, attribution: "soilmap" })
    : L.tileLayer(t.url, { minZoom: t.minzoom, maxNativeZoom: t.maxzoom, maxZoom: cfg.maxzoom + 2,
                           bounds, opacity: 0.85, attribution: "soilmap" });
  layer.on(local ? "load" : "tileload", () => status.tiles++);
  layer.on(local ? "error" : "tileerror", () => status.tileErrors++);
  return layer;
}

function vectorLayer(v, data, units) {
  if (v.id === "hotspots")
    return L.geoJSON(data, { style: { color: "#d7191c", weight: 2, fillOpacity: 0.15 },
      onEachFeature: (f, l) => l.bindPopup(hotspotPopup(f.properties, units), { maxWidth: 360 }) });
  if (v.id === "sites")
    return L.geoJSON(data, { pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 6, weight: 1,
      color: "#333", fillOpacity: 0.9,
      fillColor: priorityColour[f.properties.priority_class] || priorityColour["not assessed"] }),
      onEachFeature: (f, l) => l.bindPopup(sitePopup(f.properties, units), { maxWidth: 360 }) });
  if (v.id === "samples")
    return L.geoJSON(data, { pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 2, color: "#222" }),
      onEachFeature: (f, l) => l.bindPopup(samplePopup(f.properties, units)) });
  return L.geoJSON(data, { style: { color: "#444", weight: 1 } });
}

async function main() {
  const cfg = await json("layers.json");
  const units = cfg.units || {};
  const { map, bounds, local } = makeMap(cfg);
  L.control.scale({ imperial: false, position: "bottomleft", maxWidth: 150 }).addTo(map);
  const base = {}, legends = {}, status = { tiles: 0, tileErrors: 0 };
  const overlays = {};
  if (cfg.basemap) { // only when the config asks: it fetches from the provider's server
    const bm = L.tileLayer(cfg.basemap.url, { attribution: escapeHtml(cfg.basemap.attribution),
                                              maxZoom: 19 });
    bm.addTo(map);
    overlays["Basemap"] = bm;
  }
  for (const t of cfg.tiles) {
    base[t.title] = rasterLayer(t, cfg, bounds, local, status);
    legends[t.title] = await json(t.legend);
  }
  const loaded = {};
  let sites = null;
  for (const v of cfg.vectors) {
    const data = await json(v.url);
    loaded[v.id] = data.features.length;
    const layer = vectorLayer(v, data, units);
    if (v.id === "sites") sites = layer;
    overlays[v.title] = layer;
    if (v.visible) layer.addTo(map);
  }
  if (sites) showPriorityLegend(panel(map, "priority-legend"));
  const legend = panel(map, "legend");
  const first = Object.keys(base)[0];
  if (first) { base[first].addTo(map); showLegend(legend, legends[first]); }
  else note(legend, cfg.note || "No raster maps were published.");
  if (cfg.local_note) note(legend, cfg.local_note);
  map.on("baselayerchange", (e) => {
    showLegend(legend, legends[e.name]);
    if (cfg.local_note) note(legend, cfg.local_note);
  });
  L.control.layers(base, overlays, { collapsed: false }).addTo(map);
  openLinkedSite(map, sites);
  if (location.search.includes("selftest"))
    selftest(map, base[first], overlays, loaded, status, units, sites);
}

// index.html#site=S031 opens that site's popup: a link to hand on.
function openLinkedSite(map, sites) {
  const m = /[#&]site=([^&]+)/.exec(location.hash);
  if (!m || !sites) return;
  const id = decodeURIComponent(m[1]);
  const l = sites.getLayers().find((x) => String(x.feature.properties.site_id) === id);
  if (l) { map.setView(l.getLatLng(), map.getZoom()); l.openPopup(); }
}

// ---- self-test ----

// The formatting rules above, checked on known values.
function formatChecks() {
  const cases = [[formatNumber(139.24937), "139"], [formatNumber(5.198127), "5.20"],
                 [formatNumber(0.0247702), "0.025"], [formatNumber(12), "12"],
                 [formatNumber(5.4e-10), "5.4e-10"], [formatProbability(0.99995), "> 0.99"],
                 [formatProbability(0.5948), "0.59"], [withUnit(0.54494, "mg/kg"), "0.54 mg/kg"]];
  return cases.filter(([got, want]) => got !== want).map(([got, want]) => `${got} != ${want}`);
}

function overlaps(a, b) {
  const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
  return r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
}

// Waits for the first map's tiles (or image), clicks a hotspot and checks
// its popup shows recommendations; checks the scale bar is metric
// and clear of the legends, the site priority legend, and the value
// formatting; reports in the title and #selftest.
function selftest(map, tiles, overlays, loaded, status, units, sites) {
  const report = (ok, detail) => {
    const out = document.getElementById("selftest");
    out.hidden = false;
    out.textContent = JSON.stringify(Object.assign({ ok, errors }, detail));
    document.title = (ok ? "SELFTEST PASS" : "SELFTEST FAIL");
  };
  const check = () => {
    const scale = document.querySelector(".leaflet-control-scale-line");
    const panels = [...document.querySelectorAll(".panel")];
    const scaleClear = !!scale && panels.every((p) => !overlaps(scale, p));
    const metric = !!scale && / (m|km)$/.test(scale.textContent) &&
      document.querySelectorAll(".leaflet-control-scale-line").length === 1;
    const priorityLegend = !sites ||
      priorities.every(([name]) => document.getElementById("priority-legend").textContent.includes(name));
    const formatting = formatChecks();
    const site = sites && sites.getLayers().length ? sites.getLayers()[0].getPopup().getContent() : "";
    const hot = Object.values(overlays).find((l) => l.getLayers && l.getLayers().length &&
      l.getLayers()[0].feature && "contaminants" in l.getLayers()[0].feature.properties);
    const common = { loaded, status, scale: scale && scale.textContent, scaleClear, metric,
                     priorityLegend, formatting, sitePopup: site.slice(0, 3000) };
    if (!hot) return report(false, Object.assign({ reason: "no hotspot layer" }, common));
    // the first hotspot with recommendations (remediation may not cover all)
    const h = hot.getLayers().find((l) => l.feature.properties.recommendations) || hot.getLayers()[0];
    h.fire("click", { latlng: h.getBounds().getCenter() });
    const popup = h.getPopup() && h.getPopup().getContent();
    const shown = map.hasLayer(h.getPopup());
    const rasters = tiles ? status.tiles > 0 : /No raster maps/.test(document.getElementById("legend").textContent);
    const ok = rasters && status.tileErrors === 0 && errors.length === 0 && shown &&
      /Recommendations/.test(popup) && !/none<\/p>/.test(popup) && scaleClear && metric &&
      priorityLegend && formatting.length === 0;
    report(ok, Object.assign({ popupShown: shown, popup: popup && popup.slice(0, 3000) }, common));
  };
  if (!tiles || status.tiles > 0) check(); else tiles.once("load", check);
}

main().catch((e) => { errors.push("main: " + e.message); if (location.search.includes("selftest")) {
  const out = document.getElementById("selftest"); out.hidden = false;
  out.textContent = JSON.stringify({ ok: false, errors }); document.title = "SELFTEST FAIL"; } });
