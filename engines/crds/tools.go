//go:build tools

// The operators' CustomResourceDefinitions, as each release publishes them (config/crd/bases in its
// module): the deploy tests apply them to the local control plane, as `operators: existing` expects,
// and `npm run crds:generate` makes infra/k8s/lib/crds/generated/ from them. istio.io/api (the release the
// mesh objects are written for) only serves the generator: kubernetes/customresourcedefinitions.gen.yaml.
// Nothing here is built; the imports only keep the modules required.
package engines

import (
	_ "github.com/cloudnative-pg/cloudnative-pg/api/v1"
	_ "github.com/cloudnative-pg/plugin-barman-cloud/api/v1"
	_ "istio.io/api/security/v1"
)
