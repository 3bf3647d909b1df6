package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// host answers the LanguageRuntime calls. Codegen (GenerateProgram, GenerateProject, GeneratePackage),
// Pack, Link and Template come from the embedded Unimplemented server: the CLI reports them as not
// supported for Node.js, which only `pulumi convert` and `pulumi package add` into a Node.js project need.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string

	// cancelled by the Cancel call (or the host's own interrupt): every node process started stops.
	cancelCtx context.Context
	cancel    context.CancelFunc
}

func newHost(ctx context.Context, tracing string) *host {
	cancelCtx, cancel := context.WithCancel(ctx)
	return &host{tracing: tracing, cancelCtx: cancelCtx, cancel: cancel}
}

// options are the runtime options of Pulumi.yaml, PulumiPlugin.yaml or PulumiPolicy.yaml, which CLI 3.276
// sends in every request's ProgramInfo.
type options struct {
	typescript     bool // the Node SDK registers ts-node (PULUMI_NODEJS_TYPESCRIPT)
	tsconfig       string
	nodeargs       []string // node's own flags, before the script
	packagemanager npm.PackageManagerType
}

func parseOptions(info *pulumirpc.ProgramInfo) (options, error) {
	opts := options{typescript: true, packagemanager: npm.AutoPackageManager}
	raw := info.GetOptions().AsMap()
	if v, ok := raw["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return opts, errors.New("runtime option typescript must be a boolean")
		}
		opts.typescript = b
	}
	if v, ok := raw["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option tsconfig must be a string")
		}
		opts.tsconfig = s
	}
	if v, ok := raw["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option nodeargs must be a string")
		}
		args, err := splitArgs(s)
		if err != nil {
			return opts, fmt.Errorf("runtime option nodeargs: %w", err)
		}
		opts.nodeargs = args
	}
	if v, ok := raw["packagemanager"]; ok {
		s, isString := v.(string)
		switch npm.PackageManagerType(s) {
		case npm.AutoPackageManager, npm.NpmPackageManager, npm.YarnPackageManager,
			npm.PnpmPackageManager, npm.BunPackageManager:
			if isString {
				opts.packagemanager = npm.PackageManagerType(s)
				break
			}
			fallthrough
		default:
			return opts, fmt.Errorf("runtime option packagemanager must be auto, npm, yarn, pnpm or bun, not %v", v)
		}
	}
	return opts, nil
}

// env adds what the Node SDK reads of the options to an environment.
func (o options) env(env []string) []string {
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

func (h *host) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	// `pulumi new` asks nothing: this project's templates set their options in Pulumi.yaml.
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	opts, err := parseOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not on PATH: %w", err)
	}
	resp := &pulumirpc.AboutResponse{Executable: node, Metadata: map[string]string{}}
	if out, err := exec.CommandContext(ctx, node, "--version").Output(); err == nil {
		resp.Version = strings.TrimSpace(string(out))
	}
	if pm, err := npm.ResolvePackageManager(opts.packagemanager, req.GetInfo().GetProgramDirectory()); err == nil {
		resp.Metadata["packagemanager"] = pm.Name()
		if v, err := pm.Version(); err == nil {
			resp.Metadata["packagemanagerVersion"] = v.String()
		}
	}
	return resp, nil
}

func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	opts, err := parseOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	dir := req.GetInfo().GetProgramDirectory()
	pm, err := npm.ResolvePackageManager(opts.packagemanager, dir)
	if err != nil {
		return nil, err
	}
	packages, err := pm.ListPackages(ctx, dir, req.GetTransitiveDependencies())
	if err != nil {
		return nil, fmt.Errorf("listing the Node.js dependencies of %s: %w", dir, err)
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, p := range packages {
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version})
	}
	return resp, nil
}

// InstallDependencies leaves an installed tree alone: this repository's programs and plugins resolve
// their packages from the checkout's node_modules (npm workspaces, symlinks), which a fresh install in a
// sub-folder would shadow. Only without any node_modules does it run the package manager.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory()
	}
	if found := findNodeModules(dir, info.GetRootDirectory()); found != "" {
		fmt.Fprintf(stdout, "Dependencies are installed (%s): nothing to do.\n", found)
		return closer.Close()
	}
	opts, err := parseOptions(info)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Installing dependencies in %s...\n", dir)
	name, err := npm.Install(server.Context(), opts.packagemanager, dir, false, stdout, stderr)
	if err != nil {
		return fmt.Errorf("%s install in %s failed: %w", name, dir, err)
	}
	fmt.Fprintf(stdout, "Finished installing dependencies with %s.\n", name)
	return closer.Close()
}

// findNodeModules looks for node_modules in dir and its parents up to root (the folder of Pulumi.yaml),
// where Node.js would find the program's packages.
func findNodeModules(dir, root string) string {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules")
		if fi, err := os.Stat(candidate); err == nil && fi.IsDir() {
			return candidate
		}
		if root == "" || d == filepath.Clean(root) || d == filepath.Dir(d) {
			return ""
		}
	}
}

// resolveScript finds a script of @pulumi/pulumi the way the program itself would load it, so the SDK
// that runs is the one installed beside the program.
func resolveScript(ctx context.Context, node, dir, module string) (string, error) {
	script := fmt.Sprintf(`try { console.log(require.resolve(%q)) } catch (e) {`+
		` console.error(e.code === "MODULE_NOT_FOUND" ? "@pulumi/pulumi is not installed where %s can load it:`+
		` run npm install there" : e.message); process.exit(1) }`, module, dir)
	cmd := exec.CommandContext(ctx, node, "-e", script)
	cmd.Dir = dir
	// The user's NODE_OPTIONS (a loader, say) has no business in this lookup.
	cmd.Env = append(os.Environ(), "NODE_OPTIONS=")
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return "", errors.New(strings.TrimSpace(string(exit.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// command starts node so that Cancel (or the request ending) interrupts it, and a node that ignores
// the interrupt is killed a little later.
func (h *host) command(ctx context.Context, node string, args []string) *exec.Cmd {
	cmdCtx, cancel := context.WithCancel(h.cancelCtx)
	context.AfterFunc(ctx, cancel)
	cmd := exec.CommandContext(cmdCtx, node, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// lockedWriter serialises writes from node's stdout and stderr copiers onto one gRPC stream, whose
// Send must not be called from two goroutines at once.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
