// soilmap's static viewer: the run's tile pyramids, hotspots, sites and
// samples from layers.json (written by `soilmap publish`), legends from each
// pyramid's legend.json. Works from any static web server and offline.
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

function table(props, keys) {
  return "<table>" + keys.filter((k) => props[k] !== undefined && props[k] !== null && props[k] !== "")
    .map((k) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(props[k])}</td></tr>`).join("") + "</table>";
}

function hotspotPopup(p) {
  return `<div class="popup"><h4>Hotspot ${escapeHtml(p.id)}: ${escapeHtml(p.contaminants)}</h4>` +
    table(p, ["tier", "area_ha", "max_ratio", "mean_probability", "main_landuse", "n_samples",
              "source_name", "source_distance_m"]) +
    `<h4>Recommendations</h4><p class="recommendations">${escapeHtml(p.recommendations || "none")}</p>` +
    (p.action_plan ? `<pre>${escapeHtml(p.action_plan)}</pre>` : "") + "</div>";
}

function sitePopup(p) {
  return `<div class="popup"><h4>${escapeHtml(p.site_id)} ${escapeHtml(p.name)}</h4>` +
    table(p, ["priority_class", "reason", "landuse", "max_probability", "max_ratio",
              "n_samples_near", "source_name", "hotspots", "recommendations"]) + "</div>";
}

const priorityColours = { 1: "#b2182b", 2: "#ef8a62", 3: "#fddbc7", 4: "#cccccc" };

async function json(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}

function showLegend(legend) {
  const box = document.getElementById("legend");
  box.innerHTML = `<h4>${escapeHtml(legend.title)}</h4>` + legend.stops.map((s) =>
    `<div><span class="swatch" style="background:${s.color}"></span>${escapeHtml(s.label)}</div>`).join("");
}

// No raster map to show (publish.tiles: false): layers.json's note says why.
function showNote(text) {
  document.getElementById("legend").innerHTML = `<p class="note">${escapeHtml(text)}</p>`;
}

async function main() {
  const cfg = await json("layers.json");
  const bounds = L.latLngBounds([cfg.bounds[1], cfg.bounds[0]], [cfg.bounds[3], cfg.bounds[2]]);
  const map = L.map("map", { maxZoom: cfg.maxzoom + 2 });
  map.fitBounds(bounds);
  const base = {}, legends = {}, status = { tiles: 0, tileErrors: 0 };
  for (const t of cfg.tiles) {
    const layer = L.tileLayer(t.url, { minZoom: t.minzoom, maxNativeZoom: t.maxzoom,
      maxZoom: cfg.maxzoom + 2, bounds, opacity: 0.85, attribution: "soilmap" });
    layer.on("tileload", () => status.tiles++);
    layer.on("tileerror", () => status.tileErrors++);
    base[t.title] = layer;
    legends[t.title] = await json(t.legend);
  }
  const overlays = {};
  const loaded = {};
  for (const v of cfg.vectors) {
    const data = await json(v.url);
    loaded[v.id] = data.features.length;
    let layer;
    if (v.id === "hotspots")
      layer = L.geoJSON(data, { style: { color: "#d7191c", weight: 2, fillOpacity: 0.15 },
        onEachFeature: (f, l) => l.bindPopup(hotspotPopup(f.properties), { maxWidth: 360 }) });
    else if (v.id === "sites")
      layer = L.geoJSON(data, { pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 6, weight: 1,
        color: "#333", fillColor: priorityColours[f.properties.priority] || "#999", fillOpacity: 0.9 }),
        onEachFeature: (f, l) => l.bindPopup(sitePopup(f.properties)) });
    else if (v.id === "samples")
      layer = L.geoJSON(data, { pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 2, color: "#222" }),
        onEachFeature: (f, l) => l.bindPopup(`<div class="popup">${escapeHtml(f.properties.sample_id)}</div>`) });
    else
      layer = L.geoJSON(data, { style: { color: "#444", weight: 1 } });
    overlays[v.title] = layer;
    if (v.visible) layer.addTo(map);
  }
  const first = Object.keys(base)[0];
  if (first) { base[first].addTo(map); showLegend(legends[first]); }
  else showNote(cfg.note || "No raster maps were published.");
  map.on("baselayerchange", (e) => showLegend(legends[e.name]));
  L.control.layers(base, overlays, { collapsed: false }).addTo(map);
  L.control.scale().addTo(map);
  if (location.search.includes("selftest")) selftest(map, base[first], overlays, loaded, status);
}

// Waits for the first map's tiles, clicks the first hotspot and checks
// its popup shows recommendations; reports in the title and #selftest.
function selftest(map, tiles, overlays, loaded, status) {
  const report = (ok, detail) => {
    const out = document.getElementById("selftest");
    out.hidden = false;
    out.textContent = JSON.stringify(Object.assign({ ok, errors }, detail));
    document.title = (ok ? "SELFTEST PASS" : "SELFTEST FAIL");
  };
  const check = () => {
    const hot = Object.values(overlays).find((l) => l.getLayers().length &&
      l.getLayers()[0].feature && "contaminants" in l.getLayers()[0].feature.properties);
    if (!hot) return report(false, { reason: "no hotspot layer", loaded, status });
    const h = hot.getLayers()[0];
    h.fire("click", { latlng: h.getBounds().getCenter() });
    const popup = h.getPopup() && h.getPopup().getContent();
    const shown = map.hasLayer(h.getPopup());
    const rasters = tiles ? status.tiles > 0 : /No raster maps/.test(document.getElementById("legend").textContent);
    const ok = rasters && status.tileErrors === 0 && errors.length === 0 && shown &&
      /Recommendations/.test(popup) && !/none<\/p>/.test(popup);
    report(ok, { loaded, status, popupShown: shown, popup: popup && popup.slice(0, 3000) });
  };
  if (!tiles || status.tiles > 0) check(); else tiles.once("load", check);
}

main().catch((e) => { errors.push("main: " + e.message); if (location.search.includes("selftest")) {
  const out = document.getElementById("selftest"); out.hidden = false;
  out.textContent = JSON.stringify({ ok: false, errors }); document.title = "SELFTEST FAIL"; } });
