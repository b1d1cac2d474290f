// The profile's key-figure charts as Vega-Lite, drawn over the server's SVG (progressive enhancement).
//
// Each chart's Vega-Lite spec is a JSON data block on the page. Vega would compile its expressions with
// `new Function`, which our Content-Security-Policy (no 'unsafe-eval') refuses, so the spec is parsed to an
// AST and run by vega-interpreter (https://vega.github.io/vega/usage/interpreter/). Only when a chart has
// rendered is the server's SVG hidden; on any failure the SVG stays and the error goes to the console.
import { expressionInterpreter } from "./vendor/vega-interpreter.js";

// Numbers as on the rest of the page (formatting.format_number): 12,5 and 5 550 203, minus U+2212.
vega.formatLocale({ decimal: ",", thousands: "\u00a0", grouping: [3], currency: ["", "\u00a0kr"], minus: "\u2212" });

async function draw(container) {
  const block = document.getElementById(container.dataset.spec);
  const fallback = document.getElementById(container.dataset.fallback);
  const compiled = vegaLite.compile(JSON.parse(block.textContent)).spec;
  const runtime = vega.parse(compiled, null, { ast: true });
  const view = new vega.View(runtime, { expr: expressionInterpreter, renderer: "svg", container: container, hover: true });
  await view.runAsync();
  container.hidden = false;
  if (fallback) fallback.hidden = true;
  container.dataset.rendered = "true";
}

document.querySelectorAll(".chart-vega[data-spec]").forEach(function (container) {
  draw(container).catch(function (error) {
    console.error("profile chart " + container.id + " not drawn, the server's SVG stays:", error);
  });
});
