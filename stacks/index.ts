import * as pulumi from "@pulumi/pulumi";
import { runStack } from "./program.js";

// Pulumi's Node.js runtime imports this module and awaits the default export; its result becomes the
// stack outputs.
export default async () => runStack(pulumi.getStack(), new pulumi.Config());
