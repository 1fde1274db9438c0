using System.Net.Sockets;
using BindingBehaviour.Native;

namespace BindingBehaviour;

/// <summary>The managed layer: runs C# the way a user writes it and turns a SocketException into an <see cref="Outcome"/>.</summary>
public static class ManagedCall
{
    /// <summary><c>new Socket(...)</c> for TCP or UDP, or the refusal at <see cref="Step.Create"/>.</summary>
    public static Outcome TryOpen(Transport transport, AddressFamily family, out Socket? socket)
    {
        try
        {
            socket = transport == Transport.Tcp
                ? new Socket(family, SocketType.Stream, ProtocolType.Tcp)
                : new Socket(family, SocketType.Dgram, ProtocolType.Udp);
            return Outcome.Ok;
        }
        catch (SocketException e)
        {
            socket = null;
            return Outcome.From(Step.Create, e);
        }
    }

    public static Outcome Try(Step step, Action attempt)
    {
        try
        {
            attempt();
            return Outcome.Ok;
        }
        catch (SocketException e)
        {
            return Outcome.From(step, e);
        }
    }

    /// <summary>Runs the steps in order and stops at the first refusal, which is the outcome of the whole attempt.</summary>
    public static Outcome Steps(params (Step Step, Action Attempt)[] steps)
    {
        foreach (var (step, attempt) in steps)
        {
            var outcome = Try(step, attempt);
            if (!outcome.Succeeded)
            {
                return outcome;
            }
        }

        return Outcome.Ok;
    }
}
