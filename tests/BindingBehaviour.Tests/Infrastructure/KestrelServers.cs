using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>A minimal Kestrel server as an ASP.NET Core user writes one, listening on 127.0.0.1 and the given port.</summary>
public static class KestrelServers
{
    public static WebApplication OnLoopback(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        return builder.Build();
    }

    /// <summary>The port a started server listens on (the one the OS chose for port 0).</summary>
    public static int Port(WebApplication server) =>
        new Uri(server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()).Port;

    /// <summary>An exception and its inner exceptions, outermost first.</summary>
    public static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
