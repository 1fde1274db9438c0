using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using BindingBehaviour.Probe;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Where and as whom a child probe runs: this network namespace or a new one (loopback up, sysctls set there and only
/// there), as this process's user or as nobody (uid and gid 65534, through setpriv), or as root of a new user namespace
/// that owns a new network namespace. <see cref="Probe(string, Action?)"/> runs <c>dotnet probe.dll STEPS --json</c> (the probe of
/// tools/BindingBehaviour.Probe, built beside the tests) in that environment and reads back what the OS answered at each
/// step. The whole chain (unshare, sh, setpriv, dotnet) execs into one process, which is killed after a timeout and
/// whenever the caller stops waiting.
/// </summary>
public sealed record LinuxSandbox
{
    public const int Nobody = 65534;

    /// <summary>How long a child may take; BINDINGBEHAVIOUR_CHILD_TIMEOUT_SECONDS raises it where starting a process is slow
    /// (tools/kernels/init sets it: under user-mode Linux every system call of a child is trapped with ptrace).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(
        int.TryParse(System.Environment.GetEnvironmentVariable("BINDINGBEHAVIOUR_CHILD_TIMEOUT_SECONDS"), out var seconds) && seconds > 0 ? seconds : 60);
    private static readonly ConcurrentDictionary<string, Lazy<string?>> Probed = new();

    private LinuxSandbox(NetworkNamespace where) => Where = where;

    private NetworkNamespace Where { get; }

    private bool AsNobody { get; init; }

    private IReadOnlyList<(string Key, string Value)> Sysctls { get; init; } = [];

    /// <summary>The network namespace this process runs in (to run a child as another user beside this process's sockets).</summary>
    public static LinuxSandbox ThisNetworkNamespace() => In(NetworkNamespace.This);

    /// <summary>A new network namespace with only loopback, brought up, created by root (unshare --net).</summary>
    public static LinuxSandbox NewNetworkNamespace() => In(NetworkNamespace.New);

    /// <summary>
    /// A new user namespace whose root (this process's user, or nobody when this process is root) owns a new network
    /// namespace (unshare --user --map-root-user --net), loopback up.
    /// </summary>
    public static LinuxSandbox NewUserNamespaceAsNobody() => In(NetworkNamespace.NewInUserNamespace);

    /// <summary>The sandbox of one of the three network namespaces (<see cref="NetworkNamespace"/>).</summary>
    public static LinuxSandbox In(NetworkNamespace where) => new(where);

    /// <summary>Sets a sysctl inside the new network namespace, written to its /proc/sys before the probe starts.</summary>
    public LinuxSandbox Sysctl(string key, string value) =>
        Where == NetworkNamespace.This
            ? throw new InvalidOperationException("Sysctls are set only inside a network namespace the suite creates.")
            : this with { Sysctls = [.. Sysctls, (key, value)] };

    /// <summary>The probe runs as nobody (uid and gid 65534, no groups), dropped with setpriv after the namespace is set up.</summary>
    public LinuxSandbox AsUserNobody() => this with { AsNobody = true };

    /// <summary>How the docs describe where and as whom the probe ran: "environment: new network namespace, ..., uid 65534".</summary>
    public string Environment
    {
        get
        {
            var parts = new List<string>
            {
                Where switch
                {
                    NetworkNamespace.This => "this process's network namespace",
                    NetworkNamespace.New => "new network namespace (unshare --net, lo up)",
                    _ => "new user namespace owning a new network namespace (unshare --user --map-root-user --net, lo up)",
                },
            };
            parts.AddRange(Sysctls.Select(s => $"{s.Key}={s.Value}"));
            parts.Add(Where == NetworkNamespace.NewInUserNamespace
                ? $"uid 0 inside, uid {UserNamespaceOwner} outside"
                : AsNobody ? $"uid {Nobody} (setpriv)" : $"uid {ThisUid}");
            return "environment: " + string.Join(", ", parts);
        }
    }

    /// <summary>Why this machine cannot run a probe in this environment, found by trying it once; null when it can.</summary>
    public string? MissingCapability => Probed.GetOrAdd(Environment, _ => new Lazy<string?>(FindMissingCapability)).Value;

    private static bool IsRoot => System.Environment.IsPrivilegedProcess;

    /// <summary>This process's uid from /proc, read once (where there is no /proc there are no uids to drop either).</summary>
    private static string ThisUid { get; } = File.Exists("/proc/self/status")
        ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] ?? "?"
        : "?";

    /// <summary>Who creates a new user namespace, outside it: nobody when this process is root (<see cref="DropToNobody"/>), else this user.</summary>
    private static string UserNamespaceOwner => IsRoot ? Nobody.ToString(CultureInfo.InvariantCulture) : ThisUid;

    /// <summary>
    /// Runs the probe with these arguments (the probe's own syntax, e.g. "tcp [::]:0 +v6default listen, tcp 0.0.0.0:same")
    /// and returns each step's outcome. <paramref name="whenReady"/> runs once the probe says it is ready to receive.
    /// </summary>
    public ProbeRun Probe(string arguments, Action? whenReady = null) =>
        Probe(arguments, whenReady is null ? null : (_, _) => whenReady());

    /// <summary>
    /// As <see cref="Probe(string, Action?)"/>; <paramref name="whenReady"/> gets the probe's process id (every link of
    /// the chain execs the next, so it is the probe's own) and its ready line ("probe: ready: socket N receives on ...").
    /// </summary>
    public ProbeRun Probe(string arguments, Action<int, string>? whenReady)
    {
        var (code, stdout, stderr) = RunProbe([.. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--json"], whenReady);
        if (code != 0)
        {
            throw new InvalidOperationException($"The probe exited with {code}: {stderr}");
        }

        return ProbeRun.Parse(Environment, stdout);
    }

    /// <summary>Runs the probe with these arguments as they are (any command: doctor, --predict) and returns what it printed and its exit code.</summary>
    public (int Code, string Stdout, string Stderr) RunProbe(IReadOnlyList<string> arguments, Action<int, string>? whenReady = null)
    {
        if (MissingCapability is { } missing)
        {
            throw new InvalidOperationException($"This sandbox cannot run here: {missing}");
        }

        return Run([.. ProbeCommand(), .. arguments], whenReady);
    }

    private string? FindMissingCapability()
    {
        // The OS first: elsewhere a file at a Linux tool's path is not that tool, and nothing of it is started.
        if (!OperatingSystem.IsLinux())
        {
            return $"the probe's environments are Linux's (network namespaces, sysctls, setpriv), and this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        }

        foreach (var tool in Tools())
        {
            if (!File.Exists(tool))
            {
                return $"{tool} is missing (network namespaces, per-namespace sysctls and setpriv are Linux tools)";
            }
        }

        if (Where == NetworkNamespace.This && !AsNobody)
        {
            return null;
        }

        if (AsNobody && !IsRoot)
        {
            return $"this process is not root, so it cannot start a child as uid {Nobody}";
        }

        if (Where == NetworkNamespace.New)
        {
            // The probe of the capability itself: may this process create a network namespace?
            var (netns, _, netnsError) = Run([Unshare, "--net", "true"], null);
            if (netns != 0)
            {
                return $"this process may not create a network namespace (unshare --net: {netnsError.Trim()})";
            }
        }

        if (Where == NetworkNamespace.NewInUserNamespace)
        {
            var (userns, _, usernsError) = Run([.. DropToNobody(), Unshare, "--user", "--map-root-user", "--net", "true"], null);
            if (userns != 0)
            {
                return $"unprivileged user namespaces are not allowed here (unshare --user --map-root-user --net as uid {UserNamespaceOwner}: {usernsError.Trim()})";
            }
        }

        // The whole chain once, with the probe printing its help: namespaces, loopback, sysctls and the user who reads probe.dll.
        var (code, _, error) = Run([.. ProbeCommand(), "--help"], null);
        return code == 0 ? null : $"the probe did not run in this environment ({Environment}): {error.Trim()}";
    }

    private const string Setpriv = "/usr/bin/setpriv";
    private const string Unshare = "/usr/bin/unshare";
    private const string Shell = "/bin/sh";

    private IEnumerable<string> Tools() =>
        (Where == NetworkNamespace.This ? [] : new[] { Unshare, Shell })
        .Concat(AsNobody || (Where == NetworkNamespace.NewInUserNamespace && IsRoot) ? [Setpriv] : []);

    /// <summary>
    /// The command line: [setpriv to nobody] [unshare ... sh -c 'ip link set lo up, write the sysctls, exec "$@"' sh]
    /// [setpriv to nobody] dotnet probe.dll. Every link execs the next, so the probe keeps the first process's id.
    /// </summary>
    private List<string> ProbeCommand()
    {
        var probe = new List<string> { Dotnet(), ProbeDll() };
        var command = new List<string>();
        if (Where == NetworkNamespace.This)
        {
            command.AddRange(AsNobody ? DropToNobody() : []);
            command.AddRange(probe);
            return command;
        }

        var setup = new StringBuilder("ip link set lo up");
        foreach (var (key, value) in Sysctls)
        {
            // Written through /proc/sys of the new namespace; the values are the suite's own constants, quoted for sh.
            setup.Append(CultureInfo.InvariantCulture, $" && printf '%s' '{value}' > /proc/sys/{key.Replace('.', '/')}");
        }

        setup.Append(" && exec \"$@\"");
        if (Where == NetworkNamespace.NewInUserNamespace)
        {
            command.AddRange(DropToNobody());
            command.AddRange([Unshare, "--user", "--map-root-user", "--net", Shell, "-c", setup.ToString(), "sh"]);
        }
        else
        {
            command.AddRange([Unshare, "--net", Shell, "-c", setup.ToString(), "sh"]);
            command.AddRange(AsNobody ? DropToNobody() : []);
        }

        command.AddRange(probe);
        return command;
    }

    /// <summary>setpriv to nobody when this process is root; nothing when it already runs without privileges.</summary>
    private static IEnumerable<string> DropToNobody() => IsRoot
        ? [Setpriv, $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups"]
        : [];

    /// <summary>The dotnet host that runs this test process (testhost runs under it), else DOTNET_HOST_PATH, else dotnet on PATH.</summary>
    private static string Dotnet()
    {
        var self = System.Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    /// <summary>probe.dll, copied beside the tests by the ProjectReference to tools/BindingBehaviour.Probe.</summary>
    private static string ProbeDll()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "probe.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The probe is not built beside the tests: {path}");
    }

    /// <summary>
    /// Runs a command with nothing on its stdin, waits at most <see cref="Timeout"/>, and always kills what is left of it.
    /// </summary>
    internal static (int Code, string Stdout, string Stderr) Run(IReadOnlyList<string> command, Action<int, string>? whenReady)
    {
        var start = ChildProcess.Start(command[0], command.Skip(1));
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        // No diagnostics IPC socket in /tmp from a child that may run as another user.
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        process.Start();

        // The streams are read as streams, not through OutputDataReceived: Process.Dispose leaves redirected pipes to
        // the finalizer, and only streams read this way can be closed here (ChildProcess.ClosingPipes).
        using var pipes = process.ClosingPipes();
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = Task.Run(() =>
            {
                var text = new StringBuilder();
                while (process.StandardError.ReadLine() is { } line)
                {
                    text.Append(line).Append('\n');
                    if (line.StartsWith("probe: ready", StringComparison.Ordinal))
                    {
                        ready.TrySetResult(line);
                    }
                }

                return text.ToString();
            });

            // Wait for the ready line, or for the probe to end without one (then there is nothing to send to).
            if (whenReady is not null && Task.WaitAny([ready.Task, stderr], Timeout) == 0)
            {
                whenReady(process.Id, ready.Task.Result);
            }

            var left = Timeout - clock.Elapsed;
            if (!process.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                throw new TimeoutException($"{string.Join(' ', command)} did not end within {Timeout.TotalSeconds:0} s");
            }

            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        finally
        {
            process.KillIfRunning();
        }
    }
}

/// <summary>What the probe observed at each of its steps, read from its --json output, and where it ran.</summary>
public sealed record ProbeRun(string Environment, IReadOnlyList<ProbeRunStep> Steps)
{
    public override string ToString() => string.Join("; ", Steps);

    /// <summary>An observation's detail: "environment: ...; probe: step: outcome; ...".</summary>
    public string Detail => $"{Environment}; probe: {this}";

    /// <summary>Step N, counting from 1 as the probe does.</summary>
    public ProbeRunStep this[int step] => Steps[step - 1];

    public static ProbeRun Parse(string environment, string json)
    {
        var steps = new List<ProbeRunStep>();
        foreach (var step in ProbeJson.Read<SequenceReport>(json).Steps)
        {
            var outcome = step.Observed == "ok" ? Outcome.Ok
                : Outcome.ParseCode(step.Observed) is var (failed, error)
                    ? Outcome.Refused(failed, error, step.NativeCode, step.Message)
                    : null; // "not run": an earlier step it needed was refused
            var local = step.LocalEndPoint is { } text ? IPEndPoint.Parse(text) : null;
            steps.Add(new ProbeRunStep(step.Step, outcome, local, step.Received));
        }

        return new ProbeRun(environment, steps);
    }
}

/// <summary>
/// One step as the probe ran it: its description, the OS's answer (null when the step did not run because an earlier one
/// it needed was refused), the local end point (of the connecting socket for a connect), and the datagrams received.
/// </summary>
public sealed record ProbeRunStep(string Step, Outcome? Answer, IPEndPoint? LocalEndPoint, int? Received)
{
    public bool Ran => Answer is not null;

    /// <summary>The OS's answer; a step that did not run is a broken scenario, never an observation.</summary>
    public Outcome Outcome => Answer ?? throw new InvalidOperationException($"The probe's step \"{Step}\" did not run.");

    public override string ToString() => $"{Step}: {Answer?.ToString() ?? "not run"}{(LocalEndPoint is { } local ? $" at {local}" : "")}";
}
