using System.Net.Sockets;

namespace BindingBehaviour;

/// <summary>
/// Port discipline: the first socket binds port 0 and the others take the port it got. A scenario that needs one
/// port free for several protocols can lose it to another process between the two binds, so an attempt that is
/// expected to succeed may be retried with a fresh port a bounded number of times. Never retry one expected to fail.
/// </summary>
public static class Ports
{
    public const int Attempts = 5;

    /// <summary>Runs the scenario until it succeeds or is refused for a reason other than a taken port, at most <see cref="Attempts"/> times.</summary>
    public static Outcome RetryWhileTaken(Func<Outcome> scenario)
    {
        var outcome = scenario();
        for (var attempt = 1; attempt < Attempts && IsTaken(outcome); attempt++)
        {
            outcome = scenario();
        }

        return outcome;
    }

    private static bool IsTaken(Outcome outcome) =>
        outcome.Error is SocketError.AddressAlreadyInUse or SocketError.AccessDenied;
}
