/**
 * `node --import ./scripts/loader/register.ts <script>.ts`: runs the repository's TypeScript on Node's own
 * type stripping instead of a transpiler. Our imports name the emitted file (`./x.js`, what `tsc` and the
 * published package need), which does not exist in a checkout, so a relative `.js` specifier that is
 * missing on disk resolves to the `.ts` beside it. Nothing else changes: packages, conditions and real
 * `.js` files resolve as Node resolves them.
 *
 * Why not tsx here: on `npm run render` it spent more time compiling and source-mapping than the render
 * itself (docs/benchmarks.md, "Render time"). Type stripping needs erasable syntax only, which
 * `erasableSyntaxOnly` in tsconfig.json enforces for every file these scripts load.
 */
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    if (parent?.startsWith("file:") && /^\.{1,2}\//.test(specifier) && specifier.endsWith(".js")) {
      const asJs = new URL(specifier, parent);
      if (!existsSync(fileURLToPath(asJs))) {
        const asTs = new URL(`${asJs.href.slice(0, -".js".length)}.ts`);
        if (existsSync(fileURLToPath(asTs))) return nextResolve(asTs.href, context);
      }
    }
    return nextResolve(specifier, context);
  },
});
