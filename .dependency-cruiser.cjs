/**
 * The dependency rules of src/, checked in CI (`npm run check:dependencies`). Type-only imports count:
 * a cycle of types is still two modules that cannot be understood apart.
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "No module may depend on itself through others, not even through type-only imports.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "routes-never-reach-upstream",
      comment:
        "Routes and protocols go through services (the engine, the model list, the relay); only dispatch and the services hold the upstream client.",
      severity: "error",
      from: { path: "^src/(routes|protocols)/" },
      to: { path: "^src/(upstream|dispatch)/" },
    },
    {
      name: "no-gateway-locator",
      comment:
        "Only the composition root sees the whole gateway; everything else gets the services it needs.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(app|server|gateway)\\.ts$" },
      to: { path: "^src/gateway\\.ts$" },
    },
    {
      name: "layers",
      comment:
        "Lower layers never import higher ones: gemini and errors < keys, secrets, observability < upstream < dispatch < engine, services, passthrough < protocols, routes < app.",
      severity: "error",
      from: { path: "^src/(gemini|keys|secrets|observability|upstream|state)/" },
      to: {
        path: "^src/(dispatch|engine|services|passthrough|protocols|routes|http)/|^src/(app|gateway|server)\\.ts$",
      },
    },
    {
      name: "engine-knows-no-protocol",
      comment:
        "The engine speaks answer events; protocols and routes are built on it, never the other way round.",
      severity: "error",
      from: { path: "^src/(engine|dispatch|services|passthrough)/" },
      to: { path: "^src/(protocols|routes)/" },
    },
    {
      name: "keys-know-no-upstream",
      comment:
        "The key pool holds keys and their state; what an upstream failure means is the rotation policy's.",
      severity: "error",
      from: { path: "^src/keys/" },
      to: { path: "^src/upstream/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
