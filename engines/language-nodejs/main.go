// pulumi-language-nodejs: mcp-stack's own Node.js language host for Pulumi CLI v3.276.
//
// Upstream's host is a module of its own with only pseudo-versions, none of which the Go module proxy
// serves, and the newest host inside a tagged sdk/v3 (v3.66.0) predates two things CLI 3.276 relies on:
// runtime options (typescript, nodeargs, packagemanager) arrive in each request's ProgramInfo.options
// rather than as command-line flags, and plugins written in Node.js (policy packs, component packages)
// are started through the RunPlugin call. This host implements the LanguageRuntime service of sdk/v3
// v3.276.0 for those needs and launches the Node.js side that ships in @pulumi/pulumi (cmd/run,
// cmd/run-plugin, cmd/run-policy-pack). engines/README.md says what it does not do.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func main() {
	// The CLI passes its plugin flags (tracing, logging, verbosity) before the engine address.
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint (passed on to the Node.js runtime)")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	logging.InitLogging(false, 0, false)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	host := newHost(ctx, *tracing)
	if args := flag.Args(); len(args) > 0 {
		// Without an engine there is nobody to serve: stop when it stops answering health checks.
		host.engineAddress = args[0]
		if err := rpcutil.Healthcheck(ctx, host.engineAddress, 5*time.Minute, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start the health check of the engine: %w", err))
		}
	}

	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		close(cancel)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host's gRPC server: %w", err))
	}
	// The CLI reads the port of every plugin it starts from the plugin's first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("the language host's gRPC server stopped: %w", err))
	}
}
