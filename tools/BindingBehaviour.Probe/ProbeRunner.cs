using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Probe;

/// <summary>A model's answer to one step and the rule behind it; <see cref="ConflictsWith"/> is a socket number (from 1).</summary>
public sealed record StepExplanation(CellOutcome? Outcome, int? ConflictsWith, string Reason);

/// <summary>
/// Runs a probe sequence: each socket opens, sets its options, binds and listens if asked, before the next step starts;
/// a <c>listen N</c> step makes socket N listen then. Sockets stay open until the end.
/// </summary>
public static class ProbeRunner
{
    /// <summary>Runs the sequence; a receive step first writes "probe: ready ..." to <paramref name="progress"/> (the CLI's stderr).</summary>
    public static ProbeResult Run(ProbeSequenceCommand command, TextWriter? progress = null)
    {
        var os = HostOs.Require();
        var model = BindModel.ForThisMachine(os);
        var predicted = Predict(model, os, command);

        // Port discipline as in the matrix: when the OS chose the first port and others share it, a refusal the model
        // did not predict may be another process holding that port in another protocol; try a fresh port, at most
        // Ports.Attempts times. An explicit port is never retried, nor a sequence that receives (its sender would be lost).
        var retryable = command.Sockets[0].Port == 0 && command.Sockets.Any(s => s.SamePort) && !command.Steps.Any(s => s is ProbeReceive);
        var attempt = 0;
        while (true)
        {
            attempt++;
            var (steps, port) = RunOnce(command, predicted, progress);
            var taken = steps.Any(s => s.Observed is { } observed && Ports.IsTaken(observed.Error) && s.Predicted is { Succeeded: true });
            if (!retryable || !taken || attempt >= Ports.Attempts)
            {
                return new ProbeResult(command.Layer, os, model.Title, attempt, port, steps);
            }
        }
    }

    /// <summary>
    /// The socket as the model of <paramref name="os"/> sees it, after .NET's mapping in the managed layer. +v6default takes
    /// this machine's default when <paramref name="os"/> is this machine's OS, else the OS's documented default.
    /// </summary>
    public static SocketSpec Spec(Os os, Layer layer, ProbeSocket socket)
    {
        var ipv6 = socket.Family == AddressFamily.InterNetworkV6;
        var native = layer == Layer.Native
            ? (NativeOptions)socket.Options
            : DotNetOptionMapping.ToNative(os, socket.Transport, ipv6, (ManagedOptions)socket.Options);
        if ((socket.Extras & ProbeExtras.V6Default) != 0 && DefaultIsV6Only(os))
        {
            native |= NativeOptions.V6Only;
        }

        return new SocketSpec(socket.Transport, socket.Address, native, socket.Listen);
    }

    /// <summary>
    /// What IPV6_V6ONLY a new IPv6 socket gets when nobody sets it: on Linux net.ipv6.bindv6only of this network namespace
    /// (0, the kernel's default, when this is not Linux), on Windows 1, on macOS 0 (ipv6(7); Microsoft Learn, "Dual-Stack
    /// Sockets for IPv6 Winsock Applications"; XNU bsd/netinet6/in6_proto.c, ip6_v6only).
    /// </summary>
    private static bool DefaultIsV6Only(Os os) => os switch
    {
        Os.Linux => OperatingSystem.IsLinux() && Results.RunEnvironment.ReadSysctl("net.ipv6.bindv6only") == "1",
        Os.Windows => true,
        _ => false,
    };

    /// <summary>The model's answer to every step (see <see cref="Explain"/>); null where a step cannot run or is not modelled.</summary>
    public static IReadOnlyList<CellOutcome?> Predict(BindModel model, Os os, ProbeSequenceCommand command) =>
        [.. Explain(model, os, command.Layer, command.Steps).Select(e => e.Outcome)];

    /// <summary>
    /// The model's answer to every step, with the rule that decided it: a socket binds (and listens) beside the sockets that
    /// hold its port; a later <c>listen N</c> is checked beside all the others, with their states at that moment.
    /// </summary>
    public static IReadOnlyList<StepExplanation> Explain(BindModel model, Os os, Layer layer, IReadOnlyList<ProbeStep> steps)
    {
        var explained = new List<StepExplanation>();
        var holding = new Dictionary<int, SocketSpec>();
        var sockets = steps.OfType<ProbeSocket>().ToList();
        var ports = PortKeys(sockets);
        var number = 0;
        foreach (var step in steps)
        {
            if (step is ProbeSocket socket)
            {
                number++;
                if (socket.SamePort && !holding.ContainsKey(1))
                {
                    explained.Add(new(null, null, "the first socket was refused, so there is no port to share"));
                    continue;
                }

                var spec = Spec(os, layer, socket);
                var samePort = holding.Where(h => ports[h.Key - 1] == ports[number - 1]).ToList();
                var why = model.ExplainSocket(spec, [.. samePort.Select(h => h.Value)]);
                explained.Add(new(why.Outcome, why.ConflictsWith is { } k ? samePort[k].Key : null, Numbered(why, samePort)));
                if (why.Outcome.Succeeded)
                {
                    holding[number] = spec;
                }
            }
            else if (step is ProbeListen listen && holding.TryGetValue(listen.Socket, out var held))
            {
                if (held.Listen)
                {
                    explained.Add(new(CellOutcome.Ok, null, $"socket {listen.Socket} listens already"));
                    continue;
                }

                var others = holding.Where(h => h.Key != listen.Socket && ports[h.Key - 1] == ports[listen.Socket - 1]).ToList();
                var why = model.ExplainListen(held, [.. others.Select(h => h.Value)]);
                explained.Add(new(why.Outcome, why.ConflictsWith is { } k ? others[k].Key : null, Numbered(why, others)));
                if (why.Outcome.Succeeded)
                {
                    holding[listen.Socket] = held with { Listen = true };
                }
            }
            else if (step is ProbeListen refused)
            {
                explained.Add(new(null, null, $"socket {refused.Socket} holds nothing: it was refused"));
            }
            else
            {
                explained.Add(new(null, null, "the bind models predict sockets and listens, not connects or receives"));
            }
        }

        return explained;
    }

    /// <summary>The model's rule with the conflicting socket's number in front: "socket 1: conflicts with ...".</summary>
    private static string Numbered(BindExplanation why, List<KeyValuePair<int, SocketSpec>> held) =>
        why.ConflictsWith is { } k ? $"socket {held[k].Key}: {why.Rule}" : why.Rule;

    /// <summary>
    /// Which sockets share a port, as far as the command line says: "same" is the first socket's port, an explicit number
    /// is itself (the first socket's when equal), and a later port 0 is a fresh port of its own.
    /// </summary>
    private static IReadOnlyList<string> PortKeys(IReadOnlyList<ProbeSocket> sockets)
    {
        var first = sockets.Count > 0 && sockets[0].Port is { } p and not 0 ? p.ToString(CultureInfo.InvariantCulture) : "first";
        return [.. sockets.Select((s, i) => i == 0 ? first
            : s.Port switch
            {
                null => first,
                0 => $"fresh {i}",
                { } port => port.ToString(CultureInfo.InvariantCulture),
            })];
    }

    private static (List<ProbeStepResult> Steps, int? Port) RunOnce(ProbeSequenceCommand command, IReadOnlyList<CellOutcome?> predicted, TextWriter? progress)
    {
        var held = new Dictionary<int, IDisposable>();
        var locals = new Dictionary<int, IPEndPoint>();
        var connected = new List<Socket>();
        var steps = new List<ProbeStepResult>();
        int? samePort = null;
        var number = 0;
        try
        {
            for (var i = 0; i < command.Steps.Count; i++)
            {
                switch (command.Steps[i])
                {
                    case ProbeListen listen:
                        {
                            var observed = held.TryGetValue(listen.Socket, out var handle) ? Listen(handle) : null;
                            steps.Add(new ProbeStepResult(listen, $"listen {listen.Socket}", observed, null, predicted[i]));
                            continue;
                        }

                    case ProbeConnect connect:
                        {
                            var described = $"connect {connect.Socket}";
                            if (!locals.TryGetValue(connect.Socket, out var target))
                            {
                                steps.Add(new ProbeStepResult(connect, described, null, null, predicted[i]));
                                continue;
                            }

                            var (outcome, local, socket) = Connect(command.Layer, command.Sockets[connect.Socket - 1].Transport, Loopback(target));
                            if (socket is not null)
                            {
                                connected.Add(socket);
                            }

                            steps.Add(new ProbeStepResult(connect, $"{described} ({Loopback(target)})", outcome, local?.ToString(), predicted[i]));
                            continue;
                        }

                    case ProbeReceive receive:
                        {
                            var described = $"receive {receive.Socket} {receive.Count}";
                            if (!held.TryGetValue(receive.Socket, out var handle))
                            {
                                steps.Add(new ProbeStepResult(receive, described, null, null, predicted[i]));
                                continue;
                            }

                            // A native socket is handed to .NET for the traffic, as the claims do; the Socket then owns it.
                            var socket = handle as Socket ?? ((NativeSocket)handle).ToSocket();
                            held[receive.Socket] = socket;
                            progress?.WriteLine($"probe: ready: socket {receive.Socket} receives on {locals[receive.Socket]} (up to {receive.Count} datagrams in {receive.Timeout.TotalMilliseconds:0} ms)");
                            progress?.Flush();
                            var (outcome, count) = Receive(socket, receive.Count, receive.Timeout);
                            steps.Add(new ProbeStepResult(receive, described, outcome, locals[receive.Socket].ToString(), predicted[i], count));
                            continue;
                        }
                }

                var socketStep = (ProbeSocket)command.Steps[i];
                number++;
                var port = socketStep.Port ?? samePort;
                if (port is null)
                {
                    steps.Add(new ProbeStepResult(socketStep, socketStep.Describe(command.Layer), null, null, predicted[i]));
                    continue;
                }

                var (bound, boundLocal, opened) = command.Layer == Layer.Native
                    ? RunNative(socketStep, port.Value)
                    : RunManaged(socketStep, port.Value);
                if (opened is not null)
                {
                    held[number] = opened;
                }

                if (boundLocal is not null)
                {
                    locals[number] = boundLocal;
                }

                if (number == 1 && boundLocal is not null)
                {
                    samePort = boundLocal.Port;
                }

                steps.Add(new ProbeStepResult(socketStep, socketStep.Describe(command.Layer, socketStep.SamePort ? port : null), bound, boundLocal?.ToString(), predicted[i]));
            }

            return (steps, samePort);
        }
        finally
        {
            foreach (var handle in held.Values)
            {
                handle.Dispose();
            }

            foreach (var socket in connected)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Where "connect N" goes: socket N's address, or loopback of its family when N is on the wildcard.</summary>
    private static IPEndPoint Loopback(IPEndPoint target) =>
        target.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, target.Port)
        : target.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, target.Port)
        : target;

    /// <summary>
    /// A new socket, not bound, connects: natively a libc socket handed to .NET for the connect (as the claims do),
    /// managed a plain <c>new Socket(...).Connect(...)</c>. Neither sets an option; the OS picks the local port.
    /// </summary>
    private static (Outcome Outcome, IPEndPoint? Local, Socket? Socket) Connect(Layer layer, Transport transport, IPEndPoint target)
    {
        Socket socket;
        if (layer == Layer.Native)
        {
            var opened = NativeSocket.TryOpen(transport, target.AddressFamily, out var native);
            if (!opened.Succeeded)
            {
                return (opened, null, null);
            }

            socket = native!.ToSocket();
        }
        else
        {
            var opened = ManagedCall.TryOpen(transport, target.AddressFamily, out var managed);
            if (!opened.Succeeded)
            {
                return (opened, null, null);
            }

            socket = managed!;
        }

        var outcome = ManagedCall.Try(Step.Connect, () => socket.Connect(target));
        return (outcome, outcome.Succeeded ? socket.LocalEndPoint as IPEndPoint : null, socket);
    }

    /// <summary>Receives until <paramref name="count"/> datagrams have arrived or the timeout has passed (<see cref="Arrivals"/>).</summary>
    private static (Outcome Outcome, int Received) Receive(Socket socket, int count, TimeSpan timeout)
    {
        var buffer = new byte[65536];
        var received = 0;
        var outcome = ManagedCall.Try(Step.Receive, () => Arrivals.Take([socket], count, timeout, _ =>
        {
            socket.Receive(buffer);
            received++;
        }));
        return (outcome, received);
    }

    private static Outcome Listen(IDisposable handle) => handle switch
    {
        NativeSocket native => native.Listen(),
        Socket managed => ManagedCall.Try(Step.Listen, () => managed.Listen()),
        _ => throw new InvalidOperationException($"Unknown socket {handle.GetType()}"),
    };

    /// <summary>Opens, binds (and listens) one socket on this machine as the probe would, and closes it at once.</summary>
    public static (Outcome Outcome, IPEndPoint? Local) Attempt(Layer layer, ProbeSocket socket, int port)
    {
        var (outcome, local, handle) = layer == Layer.Native ? RunNative(socket, port) : RunManaged(socket, port);
        handle?.Dispose();
        return (outcome, local);
    }

    private static (Outcome Outcome, IPEndPoint? Local, IDisposable? Handle) RunNative(ProbeSocket socket, int port)
    {
        // +v6default: IPV6_V6ONLY is not set at all, so the socket keeps the OS default.
        var setup = new NativeSetup(socket.Transport, (NativeOptions)socket.Options, socket.Listen)
        {
            LeaveV6OnlyDefault = (socket.Extras & ProbeExtras.V6Default) != 0,
            FreeBind = (socket.Extras & ProbeExtras.FreeBind) != 0,
        };
        var outcome = NativeSocket.TryOpenBound(setup, new IPEndPoint(socket.Address, port), out var native);
        return (outcome, native?.LocalEndPoint, native);
    }

    private static (Outcome Outcome, IPEndPoint? Local, IDisposable? Handle) RunManaged(ProbeSocket socket, int port)
    {
        // +freebind: .NET has no name for it, so the C# a user writes is SetRawSocketOption with Linux's numbers.
        Action<Socket>? freeBind = (socket.Extras & ProbeExtras.FreeBind) == 0 ? null : s =>
        {
            var (level, name) = NativeNumbers.Option(HostOs.Require(), FreeBindOption(socket.Family))
                ?? throw new SocketException((int)SocketError.OperationNotSupported);
            s.SetRawSocketOption(level, name, BitConverter.GetBytes(1));
        };
        var outcome = MatrixSockets.OpenManaged(socket.Transport, new IPEndPoint(socket.Address, port), (ManagedOptions)socket.Options, socket.Listen, out var managed, freeBind);
        return (outcome, (IPEndPoint?)managed?.LocalEndPoint, managed);
    }

    private static NativeOption FreeBindOption(AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 ? NativeOption.V6FreeBind : NativeOption.FreeBind;
}
