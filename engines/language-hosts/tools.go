//go:build tools

// The Node.js, Python and Go language hosts. Since May 2023 each lives in a module of its own
// (sdk/nodejs/cmd/pulumi-language-nodejs/v3, ...) that is never tagged: only pseudo-versions exist,
// and the module proxy serves none of them (see engines/README.md for what was tried). v3.66.0 is the
// newest tagged sdk/v3 release that still carries all three hosts as packages of the sdk module.
package engines

import (
	_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go"
	_ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
	_ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
)
