import { PART_OF, POSTGRES_EXPORTER_PORT, POSTGRES_PORT } from "@mcp-stack/contract";
import type { Chart } from "cdk8s";
import { k8s } from "cdk8s-plus-28";

import {
  addServiceAccount,
  EXPORTER_RESOURCES,
  imageTag,
  port,
  recommendedLabels,
  resourceRequirements,
  restrictedContainer,
  restrictedPod,
  selectorLabels,
} from "../lib/kube-parts.js";
import { type PgvectorPostgresArgs, POSTGRES_EXPORTER_IMAGE } from "./args.js";

/**
 * postgres_exporter (Deployment, Service, PDB) scraping the server. It reads the password from the
 * Secret once, at start; PgvectorPostgres patches `checksum/secrets` onto its pod template.
 */
export function postgresExporter(chart: Chart, args: PgvectorPostgresArgs): void {
  const base = args.name ?? "postgres";
  const name = `${base}-exporter`;
  const image = args.exporterImage ?? POSTGRES_EXPORTER_IMAGE;
  const labels = recommendedLabels({
    name,
    component: "metrics",
    version: imageTag(image),
    instance: args.instance ?? base,
    partOf: PART_OF,
  });
  const selector = selectorLabels(name);
  addServiceAccount(chart, name, labels);
  new k8s.KubeDeployment(chart, "exporter", {
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPod(),
          containers: [
            {
              name: "postgres-exporter",
              image,
              imagePullPolicy: "Always",
              env: [
                {
                  name: "DATA_SOURCE_URI",
                  value: `${base}:${POSTGRES_PORT}/${args.database}?sslmode=disable`,
                },
                { name: "DATA_SOURCE_USER", value: args.user },
                {
                  name: "DATA_SOURCE_PASS",
                  valueFrom: {
                    secretKeyRef: { name: args.passwordSecret.secretName, key: args.passwordSecret.key },
                  },
                },
              ],
              ports: [{ containerPort: POSTGRES_EXPORTER_PORT, name: "metrics" }],
              resources: resourceRequirements(EXPORTER_RESOURCES),
              livenessProbe: { tcpSocket: { port: port(POSTGRES_EXPORTER_PORT) }, periodSeconds: 20 },
              readinessProbe: {
                httpGet: { path: "/", port: port(POSTGRES_EXPORTER_PORT) },
                periodSeconds: 10,
              },
              securityContext: restrictedContainer(),
            },
          ],
        },
      },
    },
  });
  new k8s.KubeService(chart, "exporter-svc", {
    metadata: { name, labels },
    spec: {
      selector,
      ports: [{ name: "metrics", port: POSTGRES_EXPORTER_PORT, targetPort: port("metrics") }],
    },
  });
  new k8s.KubePodDisruptionBudget(chart, "exporter-pdb", {
    metadata: { name, labels },
    spec: { maxUnavailable: port(1), selector: { matchLabels: selector } },
  });
}
