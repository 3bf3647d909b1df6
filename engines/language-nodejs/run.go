package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// exitAfterLoggedError is the exit code @pulumi/pulumi's cmd/run uses when every uncaught error was
// already reported to the engine (log.error): the CLI must then stop without a second message.
const exitAfterLoggedError = 32

// Run starts `node [nodeargs] @pulumi/pulumi/cmd/run <flags> <entry point> [args]`, the program talking
// to the engine's resource monitor directly. (Upstream's host also proxies the monitor and serves
// synchronous invokes over files; the Node SDK of 3.276 no longer uses those, so neither exists here.)
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if h.engineAddress == "" {
		return nil, errors.New("Run before Handshake: the engine's address is not known")
	}
	if req.GetAttachDebugger() {
		return &pulumirpc.RunResponse{Error: "this Node.js language host cannot attach a debugger"}, nil
	}
	info := req.GetInfo()
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("node is not on PATH: %v", err)}, nil
	}
	runScript, err := resolveScript(ctx, node, info.GetProgramDirectory(), "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	// The flags cmd/run reads (its usage text); it puts them in PULUMI_NODEJS_* for every copy of the SDK.
	args := append([]string{}, opts.nodeargs...)
	args = append(args, runScript)
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("root-directory", info.GetRootDirectory())
	flag("stack", req.GetStack())
	flag("pwd", info.GetProgramDirectory())
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	flag("tracing", h.tracing)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	// The entry point is a file of the program directory, or "." for package.json's main.
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	// Config keys as the engine sends them (project:key); the SDK takes these as they are.
	config, err := json.Marshal(nonNil(req.GetConfig()))
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(nonNilSlice(req.GetConfigSecretKeys()))
	if err != nil {
		return nil, err
	}
	env := opts.env(os.Environ())
	env = append(env, "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))

	cmd := h.command(ctx, node, args)
	cmd.Env = env
	// node starts in the project root, so relative paths in nodeargs (an --import of a file) mean what
	// they say in Pulumi.yaml; cmd/run then changes to the program directory (--pwd).
	cmd.Dir = info.GetRootDirectory()
	// Wrapped writers, not the files themselves: node may switch a shared descriptor to non-blocking.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}

	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == exitAfterLoggedError:
		// The program's error is already on the user's screen: bail without another message.
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
	case errors.As(err, &exit):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program was stopped: %v", exit)}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Could not run node: %v", err)}, nil
	}
}

// RunPlugin starts a plugin written in Node.js: a policy pack (kind analyzer) through
// @pulumi/pulumi/cmd/run-policy-pack, anything else (a component provider) through cmd/run-plugin.
// Its stdout and stderr, the port line the CLI waits for included, go back over the stream.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	if req.GetAttachDebugger() {
		return errors.New("this Node.js language host cannot attach a debugger")
	}
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	opts, err := parseOptions(info)
	if err != nil {
		return err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("node is not on PATH: %w", err)
	}
	policy := req.GetKind() == string(apitype.AnalyzerPlugin)
	module := "@pulumi/pulumi/cmd/run-plugin"
	if policy {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runScript, err := resolveScript(ctx, node, dir, module)
	if err != nil {
		return err
	}

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	var mu sync.Mutex
	stdout, stderr = lockedWriter{&mu, stdout}, lockedWriter{&mu, stderr}

	// The CLI sends the plugin's whole environment (its own plus what the plugin needs).
	env := req.GetEnv()
	if len(env) == 0 {
		env = os.Environ()
	}
	env = opts.env(env)
	if !opts.typescript {
		// cmd/run-plugin and cmd/run-policy-pack register ts-node whatever the options say; told to
		// ignore every file, it hands each one to the loader the plugin chose (nodeargs: tsx, say).
		env = append(env, "TS_NODE_IGNORE=.")
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runScript)
	// cmd/run-policy-pack takes <engine address> <pack dir>; cmd/run-plugin takes <plugin dir> [args].
	if policy {
		args = append(args, req.GetArgs()...)
		args = append(args, dir)
	} else {
		args = append(args, dir)
		args = append(args, req.GetArgs()...)
	}

	cmd := h.command(ctx, node, args)
	cmd.Stderr = stderr
	if !policy {
		cmd.Dir = req.GetPwd()
		cmd.Env = env
		cmd.Stdout = stdout
		return finishPlugin(server, cmd.Run())
	}

	// A policy pack learns its stack (organization, project, stack, config) from its environment, and the
	// CLI sends that in ConfigureStack after the pack is up. The SDK's PolicyProxy answers that call on
	// the pack's behalf, then starts relaying to the real pack once it prints its own port.
	proxy, packStdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("could not start the policy pack proxy: %w", err)
	}
	stack, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("waiting for the policy pack's stack configuration: %w", err)
	}
	if stack != nil {
		set := func(k, v string) {
			if v != "" {
				env = append(env, k+"="+v)
			}
		}
		set("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
		set("PULUMI_NODEJS_PROJECT", stack.GetProject())
		set("PULUMI_NODEJS_STACK", stack.GetStack())
		set("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
		config, err := json.Marshal(nonNil(stack.GetConfig()))
		if err != nil {
			return err
		}
		secretKeys, err := json.Marshal(nonNilSlice(stack.GetConfigSecretKeys()))
		if err != nil {
			return err
		}
		set("PULUMI_CONFIG", string(config))
		set("PULUMI_CONFIG_SECRET_KEYS", string(secretKeys))
	}
	// Policy packs have always run from their own folder.
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = packStdout
	if err := cmd.Start(); err != nil {
		proxy.Abort(err)
		return finishPlugin(server, err)
	}
	return finishPlugin(server, proxy.Attach(ctx, cmd))
}

// finishPlugin turns the plugin's end into the stream's last message: its exit code, or an error when
// node could not run at all.
func finishPlugin(server pulumirpc.LanguageRuntime_RunPluginServer, err error) error {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: 0}})
	case errors.As(err, &exit):
		return server.Send(&pulumirpc.RunPluginResponse{
			Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(exit.ExitCode())},
		})
	default:
		return fmt.Errorf("could not run the Node.js plugin: %w", err)
	}
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
