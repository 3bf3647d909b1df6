// gensdk: the SDK generation step of `pulumi package gen-sdk`, for Python and Go, where the language hosts
// we can build (sdk/v3 v3.66.0, engines/README.md) answer the CLI's GeneratePackage call with
// "unknown method". It does what the upstream 3.276 hosts do in GeneratePackage: bind the schema the CLI
// printed (`pulumi package get-schema <dir>`) and call pkg/v3 v3.276.0's codegen/python or codegen/go,
// the same generators, at the CLI's version. Referenced packages come from the schema files given with
// -dep (name -> schema), never from a plugin.
//
//	gensdk -schema mcp-stack.json -dep docker-5.2.0.json -language python -out sdk/python
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

type deps map[string]*schema.Package

func (d deps) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	if p, ok := d[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("gensdk: no schema for package %q (pass it with -dep)", name)
}

func (d deps) LoadPackageV2(_ context.Context, desc *schema.PackageDescriptor) (*schema.Package, error) {
	return d.LoadPackage(desc.Name, desc.Version)
}

func (d deps) LoadPackageReference(name string, v *semver.Version) (schema.PackageReference, error) {
	p, err := d.LoadPackage(name, v)
	if err != nil {
		return nil, err
	}
	return p.Reference(), nil
}

func (d deps) LoadPackageReferenceV2(
	ctx context.Context, desc *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return d.LoadPackageReference(desc.Name, desc.Version)
}

func readSpec(path string) schema.PackageSpec {
	data, err := os.ReadFile(path)
	check(err)
	var spec schema.PackageSpec
	check(json.Unmarshal(data, &spec))
	return spec
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gensdk:", err)
		os.Exit(1)
	}
}

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var depFiles list
	schemaFile := flag.String("schema", "", "the package's schema (pulumi package get-schema)")
	language := flag.String("language", "", "python or go")
	out := flag.String("out", "", "output folder")
	flag.Var(&depFiles, "dep", "schema of a package the schema refers to (repeatable)")
	packageAdd := flag.Bool("package-add", false,
		"generate as `pulumi package add` does: a local SDK with SupportPack on (Go: a go.mod, import path <module>/<package>)")
	flag.Parse()

	loader := deps{}
	for _, f := range depFiles {
		pkg, diags, err := schema.BindSpec(readSpec(f), loader, schema.ValidationOptions{})
		check(err)
		if diags.HasErrors() {
			check(diags)
		}
		loader[pkg.Name] = pkg
	}
	pkg, diags, err := schema.BindSpec(readSpec(*schemaFile), loader, schema.ValidationOptions{})
	check(err)
	if diags.HasErrors() {
		check(diags)
	}

	if *packageAdd {
		// cmd/pulumi/packages/packages.go (GenSDK's caller for `package add`) sets this on every local SDK.
		pkg.SupportPack = true
	}

	var files map[string][]byte
	switch *language {
	case "python":
		files, err = python.GeneratePackage("pulumi-language-python", pkg, nil, loader)
	case "go":
		files, err = gogen.GeneratePackage("pulumi-language-go", pkg, nil)
	default:
		err = fmt.Errorf("unknown language %q", *language)
	}
	check(err)
	check(os.RemoveAll(*out))
	for name, data := range files {
		path := filepath.Join(*out, name)
		check(os.MkdirAll(filepath.Dir(path), 0o755))
		check(os.WriteFile(path, data, 0o644))
	}
	fmt.Printf("generated %d files for %s %s in %s\n", len(files), pkg.Name, *language, *out)
}
