import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies.js";

/**
 * `pulumi preview --policy-pack policy`: the pack's entry point. Constructing a PolicyPack starts the
 * analyzer's gRPC server, so the policies live in policies.ts, where tests import them.
 */
new PolicyPack("mcp-stack", { policies: POLICIES });
