using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Probe;

/// <summary>One step of a probe run: what it was, what the OS answered, and what the model predicted.</summary>
public sealed record ProbeStepResult(ProbeStep Step, string Described, Outcome? Observed, string? LocalEndPoint, CellOutcome? Predicted)
{
    /// <summary>True when the observation is the prediction; a step that could not run (no port to share, no socket to listen) agrees vacuously.</summary>
    public bool Agrees => Observed is null || CellOutcome.From(Observed) == Predicted;

    public string ObservedCode => Observed is null ? "not run" : CellOutcome.From(Observed).Code;

    public string PredictedCode => Predicted?.Code ?? "not run";
}

/// <summary>The result of a probe run on this machine.</summary>
public sealed record ProbeResult(Layer Layer, Os Os, string Model, int Attempts, int? Port, IReadOnlyList<ProbeStepResult> Steps)
{
    public bool AgreesWithModel => Steps.All(s => s.Agrees);
}

/// <summary>
/// Runs a probe sequence: each socket opens, sets its options, binds and listens if asked, before the next step starts;
/// a <c>listen N</c> step makes socket N listen then. Sockets stay open until the end.
/// </summary>
public static class ProbeRunner
{
    public static ProbeResult Run(ProbeSequenceCommand command)
    {
        var os = HostOs.Require();
        var model = BindModel.For(os);
        var predicted = Predict(model, os, command);

        // Port discipline as in the matrix: when the OS chose the first port and others share it, a refusal the model
        // did not predict may be another process holding that port in another protocol; try a fresh port, at most
        // Ports.Attempts times. An explicit port is never retried.
        var retryable = command.Sockets[0].Port == 0 && command.Sockets.Any(s => s.SamePort);
        var attempt = 0;
        while (true)
        {
            attempt++;
            var (steps, port) = RunOnce(command, predicted);
            var taken = steps.Any(s => s.Observed is { Succeeded: false, Error: SocketError.AddressAlreadyInUse or SocketError.AccessDenied } && s.Predicted is { Succeeded: true });
            if (!retryable || !taken || attempt >= Ports.Attempts)
            {
                return new ProbeResult(command.Layer, os, model.Title, attempt, port, steps);
            }
        }
    }

    /// <summary>The socket as the model of <paramref name="os"/> sees it, after .NET's mapping in the managed layer.</summary>
    public static SocketSpec Spec(Os os, Layer layer, ProbeSocket socket)
    {
        var ipv6 = socket.Family == AddressFamily.InterNetworkV6;
        var native = layer == Layer.Native
            ? (NativeOptions)socket.Options
            : DotNetOptionMapping.ToNative(os, socket.Transport, ipv6, (ManagedOptions)socket.Options);
        return new SocketSpec(socket.Transport, socket.Address, native, socket.Listen);
    }

    /// <summary>
    /// The model's answer to every step: a socket binds (and listens) beside the sockets that hold the port; a later
    /// <c>listen N</c> is checked beside all the others, with their states at that moment. Null where a step cannot run.
    /// </summary>
    public static IReadOnlyList<CellOutcome?> Predict(BindModel model, Os os, ProbeSequenceCommand command)
    {
        var predicted = new List<CellOutcome?>();
        var holding = new Dictionary<int, SocketSpec>();
        var number = 0;
        foreach (var step in command.Steps)
        {
            if (step is ProbeSocket socket)
            {
                number++;
                var spec = Spec(os, command.Layer, socket);
                var outcome = (spec.Options & ~model.Supported) != 0
                    ? CellOutcome.Refused(Step.SetOption, SocketError.OperationNotSupported)
                    : model.Bind(spec with { Listen = false }, [.. holding.Values]);
                if (outcome.Succeeded && spec.Listen)
                {
                    outcome = model.Listen(spec, [.. holding.Values]);
                }

                predicted.Add(outcome);
                if (outcome.Succeeded)
                {
                    holding[number] = spec;
                }
            }
            else if (step is ProbeListen listen && holding.TryGetValue(listen.Socket, out var held))
            {
                var outcome = held.Listen ? CellOutcome.Ok : model.Listen(held, [.. holding.Where(h => h.Key != listen.Socket).Select(h => h.Value)]);
                predicted.Add(outcome);
                if (outcome.Succeeded)
                {
                    holding[listen.Socket] = held with { Listen = true };
                }
            }
            else
            {
                predicted.Add(null);
            }
        }

        return predicted;
    }

    private static (List<ProbeStepResult> Steps, int? Port) RunOnce(ProbeSequenceCommand command, IReadOnlyList<CellOutcome?> predicted)
    {
        var held = new Dictionary<int, IDisposable>();
        var steps = new List<ProbeStepResult>();
        int? samePort = null;
        var number = 0;
        try
        {
            for (var i = 0; i < command.Steps.Count; i++)
            {
                if (command.Steps[i] is ProbeListen listen)
                {
                    var described = $"listen {listen.Socket}";
                    var observed = held.TryGetValue(listen.Socket, out var handle) ? Listen(handle) : null;
                    steps.Add(new ProbeStepResult(listen, described, observed, null, predicted[i]));
                    continue;
                }

                var socket = (ProbeSocket)command.Steps[i];
                number++;
                var port = socket.Port ?? samePort;
                if (port is null)
                {
                    steps.Add(new ProbeStepResult(socket, socket.Describe(command.Layer), null, null, predicted[i]));
                    continue;
                }

                var (outcome, local, opened) = command.Layer == Layer.Native
                    ? RunNative(socket, port.Value)
                    : RunManaged(socket, port.Value);
                if (opened is not null)
                {
                    held[number] = opened;
                }

                if (number == 1 && local is not null)
                {
                    samePort = local.Port;
                }

                steps.Add(new ProbeStepResult(socket, socket.Describe(command.Layer, socket.SamePort ? port : null), outcome, local?.ToString(), predicted[i]));
            }

            return (steps, samePort);
        }
        finally
        {
            foreach (var handle in held.Values)
            {
                handle.Dispose();
            }
        }
    }

    private static Outcome Listen(IDisposable handle) => handle switch
    {
        NativeSocket native => native.Listen(),
        Socket managed => Managed.Try(Step.Listen, () => managed.Listen()),
        _ => throw new InvalidOperationException($"Unknown socket {handle.GetType()}"),
    };

    private static (Outcome Outcome, IPEndPoint? Local, IDisposable? Handle) RunNative(ProbeSocket socket, int port)
    {
        var opened = NativeSocket.TryOpen(socket.Transport, socket.Family, out var native);
        if (!opened.Succeeded)
        {
            return (opened, null, null);
        }

        var outcome = MatrixSockets.SetNative(native!, (NativeOptions)socket.Options, socket.Family == AddressFamily.InterNetworkV6);
        if (outcome.Succeeded)
        {
            outcome = native!.Bind(socket.Address, port);
        }

        if (outcome.Succeeded && socket.Listen)
        {
            outcome = native!.Listen();
        }

        if (!outcome.Succeeded)
        {
            native!.Dispose();
            return (outcome, null, null);
        }

        return (outcome, native!.LocalEndPoint, native);
    }

    private static (Outcome Outcome, IPEndPoint? Local, IDisposable? Handle) RunManaged(ProbeSocket socket, int port)
    {
        var outcome = MatrixSockets.OpenManaged(socket.Transport, new IPEndPoint(socket.Address, port), (ManagedOptions)socket.Options, socket.Listen, out var managed);
        return (outcome, (IPEndPoint?)managed?.LocalEndPoint, managed);
    }
}
