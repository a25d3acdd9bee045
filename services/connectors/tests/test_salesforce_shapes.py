"""Salesforce's shapes without a server: an Outbound Message read safely, org ids compared, a file checked."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pacer_connectors.adapters.salesforce import (
    ACK,
    MessageUnreadable,
    parse_outbound,
    same_org,
)
from pacer_connectors.domain.mapping import Connection
from pacer_connectors.domain.records import CrmUser

# As the Outbound Messaging WSDL defines it (two notifications; the sObject's prefix is the message's own choice).
MESSAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>00D5e000000KQ2eEAG</OrganizationId>
   <ActionId>04k5e000000CaRkAAK</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/00D5e000000KQ2e</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/00D5e000000KQ2e</PartnerUrl>
   <Notification>
    <Id>04l5e00000Gx7QzAAJ</Id>
    <sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>0065e00000ZkM3hAAF</sf:Id>
     <sf:Amount>1200.0</sf:Amount>
    </sObject>
   </Notification>
   <Notification>
    <Id>04l5e00000Gx7R0AAJ</Id>
    <sObject xsi:type="ens:Task" xmlns:ens="urn:sobject.enterprise.soap.sforce.com">
     <ens:Id>00T5e00000AbCdEAAV</ens:Id>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>"""


def test_an_outbound_message_names_its_org_and_each_notification_record() -> None:
    message = parse_outbound(MESSAGE)
    assert message.organization_id == "00D5e000000KQ2eEAG"
    assert [(n.notification_id, n.sobject, n.record_id) for n in message.notifications] == [
        ("04l5e00000Gx7QzAAJ", "Opportunity", "0065e00000ZkM3hAAF"),
        ("04l5e00000Gx7R0AAJ", "Task", "00T5e00000AbCdEAAV"),
    ]
    assert "<Ack>true</Ack>" in ACK
    assert "notificationsResponse" in ACK


@pytest.mark.parametrize(
    "body",
    [
        b"not xml",
        b"<a/>",
        # Entity expansion (a billion laughs) and an external entity: refused before anything is read.
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        # A record id that would change the SOQL it is read with.
        MESSAGE.replace(b"0065e00000ZkM3hAAF", b"' OR Name != '"),
        MESSAGE.replace(b"<Id>04l5e00000Gx7QzAAJ</Id>", b""),
    ],
)
def test_anything_but_a_well_formed_message_is_unreadable(body: bytes) -> None:
    with pytest.raises(MessageUnreadable):
        parse_outbound(body)


def test_org_ids_compare_on_their_fifteen_case_sensitive_characters() -> None:
    assert same_org("00D5e000000KQ2e", "00D5e000000KQ2eEAG")
    assert same_org("00D5e000000KQ2eEAG", "00D5e000000KQ2eEAG")
    assert not same_org("00D5e000000KQ2e", "00D5e000000kq2eEAG")
    assert not same_org("00D5e000000KQ2e", "")


def _connection(**salesforce: Any) -> dict[str, Any]:
    return {
        "id": "sf",
        "crm": "salesforce",
        "salesforce": {"flow": "jwt_bearer", "client_id": "c", "username": "u@x", "private_key_env": "K", **salesforce},
        "objects": [{"object": "Task", "kind": "call", "owner_field": "OwnerId", "occurred_at_field": "CreatedDate"}],
    }


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_connection(username=None), "username and private_key_env are required"),
        (_connection(flow="client_credentials"), "client_secret_env is required"),
        (_connection(login_url="https://login.evil.example"), "is no Salesforce login"),
        (_connection(organization_id="not-an-org"), "organization_id"),
        (
            {**_connection(), "objects": [{"object": "Task", "kind": "call", "owner_field": "OwnerId) FROM User--"}]},
            "not Salesforce field API names",
        ),
    ],
)
def test_a_wrong_salesforce_connection_is_refused_naming_what_is_wrong(document: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Connection.model_validate(document)


def test_a_my_domain_login_and_a_sandbox_audience_are_accepted() -> None:
    connection = Connection.model_validate(_connection(login_url="https://test.salesforce.com"))
    assert connection.salesforce is not None
    assert connection.salesforce.jwt_audience == "https://test.salesforce.com"
    my_domain = Connection.model_validate(
        _connection(flow="client_credentials", client_secret_env="S", login_url="https://acme.my.salesforce.com")
    )
    assert my_domain.salesforce is not None
    assert my_domain.salesforce.jwt_audience == "https://login.salesforce.com"


def test_a_queried_owner_carries_the_users_email_for_the_roster() -> None:
    from pacer_connectors.adapters.salesforce import _record, _select

    assert _select(["TaskSubtype", "OwnerId"], "OwnerId") == "Id, Owner.Email, OwnerId, SystemModstamp, TaskSubtype"
    record = _record(
        "Task",
        "OwnerId",
        {
            "attributes": {"type": "Task"},
            "Id": "00T5e00000AbCdEAAV",
            "OwnerId": "0055e000001AbCdAAA",
            "Owner": {"attributes": {"type": "User"}, "Email": "ann@example.com"},
            "SystemModstamp": "2026-03-02T09:00:00.000+0000",
        },
    )
    assert CrmUser.of(record.fields["OwnerId"]) == CrmUser("0055e000001AbCdAAA", "ann@example.com")
    assert record.modified_at.isoformat() == "2026-03-02T09:00:00+00:00"
