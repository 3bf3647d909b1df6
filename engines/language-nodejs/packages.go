package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// GetRequiredPackages lists the resource plugins of the npm packages the program can load: those whose
// package.json has a `pulumi` block with `resource: true` (@pulumi/kubernetes names `kubernetes`), so the
// CLI can find or install them before the program runs.
func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, p := range requiredPackages(req.GetInfo().GetProgramDirectory()) {
		dep := &pulumirpc.PackageDependency{Name: p.name, Kind: "resource", Version: p.version, Server: p.info.Server}
		if pz := p.info.Parameterization; pz != nil {
			dep.Parameterization = &pulumirpc.PackageParameterization{Name: pz.Name, Version: pz.Version, Value: pz.Value}
		}
		if pz := p.info.ExtensionParameterization; pz != nil {
			dep.Extension = &pulumirpc.PackageParameterization{Name: pz.Name, Version: pz.Version, Value: pz.Value}
		}
		resp.Packages = append(resp.Packages, dep)
	}
	return resp, nil
}

// GetRequiredPlugins is the older form of the same question, still asked by some commands.
func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetProgram()
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range requiredPackages(dir) {
		// A parameterized package is served by its base plugin, which the old form cannot express.
		if p.info.Parameterization == nil {
			resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
				Name: p.name, Kind: "resource", Version: p.version, Server: p.info.Server,
			})
		}
	}
	return resp, nil
}

type pluginPackage struct {
	name, version string
	info          plugin.PulumiPluginJSON
}

type packageJSON struct {
	Name    string                  `json:"name"`
	Version string                  `json:"version"`
	Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
}

// requiredPackages walks the node_modules folders Node.js would search from dir (dir's own and each
// parent's), and the node_modules nested in each package, one entry per plugin name and version.
func requiredPackages(dir string) []pluginPackage {
	var out []pluginPackage
	seen := map[string]bool{}   // node_modules folders (real paths) already walked
	listed := map[string]bool{} // name@version already listed
	var walk func(nodeModules string)
	walk = func(nodeModules string) {
		real, err := filepath.EvalSymlinks(nodeModules)
		if err != nil || seen[real] {
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(real)
		if err != nil {
			return
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			pkgDirs := []string{filepath.Join(real, name)}
			if strings.HasPrefix(name, "@") { // a scope: its packages are one level down
				pkgDirs = nil
				scoped, _ := os.ReadDir(filepath.Join(real, name))
				for _, s := range scoped {
					pkgDirs = append(pkgDirs, filepath.Join(real, name, s.Name()))
				}
			}
			for _, pkgDir := range pkgDirs {
				if p, ok := readPluginPackage(pkgDir); ok && !listed[p.name+"@"+p.version] {
					listed[p.name+"@"+p.version] = true
					out = append(out, p)
				}
				walk(filepath.Join(pkgDir, "node_modules"))
			}
		}
	}
	for d := filepath.Clean(dir); d != ""; d = filepath.Dir(d) {
		walk(filepath.Join(d, "node_modules"))
		if d == filepath.Dir(d) {
			break
		}
	}
	return out
}

func readPluginPackage(dir string) (pluginPackage, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return pluginPackage{}, false
	}
	var pkg packageJSON
	if err := json.Unmarshal(b, &pkg); err != nil || !pkg.Pulumi.Resource {
		return pluginPackage{}, false
	}
	name, err := pluginName(pkg)
	if err != nil {
		logging.V(3).Infof("%s: %v", dir, err)
		return pluginPackage{}, false
	}
	version := pkg.Pulumi.Version
	if version == "" {
		version = pkg.Version
	}
	if version == "" {
		return pluginPackage{}, false
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	return pluginPackage{name: name, version: version, info: pkg.Pulumi}, true
}

// pluginName: the `pulumi.name` field, else the package name without the @pulumi/ scope; packages of
// other scopes must name their plugin.
func pluginName(pkg packageJSON) (string, error) {
	if pkg.Pulumi.Name != "" {
		return pkg.Pulumi.Name, nil
	}
	if rest, ok := strings.CutPrefix(pkg.Name, "@pulumi/"); ok {
		return rest, nil
	}
	return "", errors.New(`a third-party Pulumi package must name its plugin in package.json "pulumi.name"`)
}

// splitArgs splits nodeargs as a POSIX shell would split words: blanks separate, single quotes keep
// everything, double quotes keep blanks, a backslash escapes the next character. No expansion.
func splitArgs(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\\':
			escaped, inWord = true, true
		case quote == '"':
			if r == '"' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 || escaped {
		return nil, errors.New("unterminated quote or escape")
	}
	if inWord {
		args = append(args, cur.String())
	}
	return args, nil
}
