import { writeGeneratedFiles } from "../monitoring/generate.js";
import { monitoringFiles } from "../stacks/monitoring-inputs.js";

/** `npm run generate:monitoring`: write every generated monitoring file of the environments. */
writeGeneratedFiles(monitoringFiles());
