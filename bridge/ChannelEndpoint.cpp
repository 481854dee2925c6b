// SPDX-License-Identifier: MIT
#include "ChannelEndpoint.h"

namespace Conduit {

void ChannelEndpoint::send(const QJsonArray &envelopes)
{
    if (m_receiver)
        m_receiver(envelopes);
}

void ChannelEndpoint::setReceiver(std::function<void(const QJsonArray &)> receiver)
{
    m_receiver = std::move(receiver);
}

} // namespace Conduit
