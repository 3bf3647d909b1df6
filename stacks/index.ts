import * as pulumi from "@pulumi/pulumi";
import { asRunError } from "./errors.js";
import { runStack } from "./program.js";

// Pulumi's Node.js runtime imports this module and awaits the default export; its result becomes the
// stack outputs.
export default async () => {
  try {
    return runStack(pulumi.getStack(), new pulumi.Config());
  } catch (error) {
    throw asRunError(error);
  }
};
