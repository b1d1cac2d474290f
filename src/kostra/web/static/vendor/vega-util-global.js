// Ours, not vendored: the three vega-util names vega-interpreter's ES module imports, taken from the global
// `vega` that vega.min.js defines (it bundles vega-util). This stands in for an import map, which would be an
// inline script the Content-Security-Policy refuses.
const vega = globalThis.vega;
export const ascending = vega.ascending;
export const isString = vega.isString;
export const DisallowedObjectProperties = vega.DisallowedObjectProperties;
