using System.Net.Sockets;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>TcpListener.Start() in its two steps, so that a refusal names the step (Start is Server.Bind, then Server.Listen: TCPListener.cs).</summary>
public static class Listeners
{
    public static Outcome Start(TcpListener listener) => ManagedCall.Steps(
        (Step.Bind, () => listener.Server.Bind(listener.LocalEndpoint)),
        (Step.Listen, () => listener.Server.Listen()));
}
