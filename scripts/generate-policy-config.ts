import { writePolicyConfigs } from "./policy-config.js";

/** `npm run generate:policy-config`: write policy/config/<env>.json from the models. */
writePolicyConfigs();
