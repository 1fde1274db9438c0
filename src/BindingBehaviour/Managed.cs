using System.Net.Sockets;

namespace BindingBehaviour;

/// <summary>The managed layer: runs C# the way a user writes it and turns a SocketException into an <see cref="Outcome"/>.</summary>
public static class Managed
{
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
