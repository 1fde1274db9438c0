using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Probe;

/// <summary>One socket of a probe run: what it was, what the OS answered, and what the model predicted.</summary>
public sealed record ProbeStepResult(ProbeSocket Socket, string Described, Outcome? Observed, string? LocalEndPoint, CellOutcome Predicted)
{
    /// <summary>True when the observation is the prediction; a socket that could not run (no port to share) agrees vacuously.</summary>
    public bool Agrees => Observed is null || CellOutcome.From(Observed) == Predicted;

    public string ObservedCode => Observed is null ? "not run" : CellOutcome.From(Observed).Code;
}

/// <summary>The result of a probe run on this machine.</summary>
public sealed record ProbeResult(Layer Layer, Os Os, string Model, int Attempts, int? Port, IReadOnlyList<ProbeStepResult> Steps)
{
    public bool AgreesWithModel => Steps.All(s => s.Agrees);
}

/// <summary>Runs a probe sequence: each socket opens, sets its options, binds and listens if asked, before the next starts.</summary>
public static class ProbeRunner
{
    public static ProbeResult Run(ProbeSequenceCommand command)
    {
        var os = HostOs.Require();
        var model = BindModel.For(os);
        var specs = command.Sockets.Select(s => Spec(os, command.Layer, s)).ToList();
        var predicted = model.PredictSequence(specs);

        // Port discipline as in the matrix: when the OS chose the first port and others share it, a refusal the model
        // did not predict may be another process holding that port in another protocol; try a fresh port, at most
        // Ports.Attempts times. An explicit port is never retried.
        var retryable = command.Sockets[0].Port == 0 && command.Sockets.Any(s => s.SamePort);
        var attempt = 0;
        while (true)
        {
            attempt++;
            var (steps, port) = RunOnce(command, predicted);
            var taken = steps.Any(s => s.Observed is { Succeeded: false, Error: SocketError.AddressAlreadyInUse or SocketError.AccessDenied } && s.Predicted.Succeeded);
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

    private static (List<ProbeStepResult> Steps, int? Port) RunOnce(ProbeSequenceCommand command, IReadOnlyList<CellOutcome> predicted)
    {
        var held = new List<IDisposable>();
        var steps = new List<ProbeStepResult>();
        int? samePort = null;
        try
        {
            for (var i = 0; i < command.Sockets.Count; i++)
            {
                var socket = command.Sockets[i];
                var port = socket.Port ?? samePort;
                if (port is null)
                {
                    steps.Add(new ProbeStepResult(socket, socket.Describe(command.Layer), null, null, predicted[i]));
                    continue;
                }

                var (outcome, local, handle) = command.Layer == Layer.Native
                    ? RunNative(socket, port.Value)
                    : RunManaged(socket, port.Value);
                if (handle is not null)
                {
                    held.Add(handle);
                }

                if (i == 0 && local is not null)
                {
                    samePort = local.Port;
                }

                steps.Add(new ProbeStepResult(socket, socket.Describe(command.Layer, socket.SamePort ? port : null), outcome, local?.ToString(), predicted[i]));
            }

            return (steps, samePort);
        }
        finally
        {
            foreach (var handle in held)
            {
                handle.Dispose();
            }
        }
    }

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
